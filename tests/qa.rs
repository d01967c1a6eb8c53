//! OpenQuake's classical QA cases run end to end with the native engine: job.ini, datastore,
//! CSV exports, compared with the expected CSVs (see `oqcloud_tests::qa`). A case the
//! engine does not reproduce yet is ignored with the reason; `docs/qa-status.md` (written by
//! `cargo run -p oqcloud-tests --bin qa-status`) lists every case with its measured
//! difference.

use oqcloud_tests::qa::{classical_case, oqcloud_case, run_case};

macro_rules! qa_case {
    ($(#[$attr:meta])* $name:ident) => {
        qa_case!($(#[$attr])* $name, classical_case);
    };
    ($(#[$attr:meta])* $name:ident, $dir:ident) => {
        $(#[$attr])*
        #[tokio::test(flavor = "multi_thread")]
        async fn $name() {
            let report = run_case(&$dir(stringify!($name))).await;
            assert!(report.reproduced(), "{}", report.describe());
            println!("{}", report.describe());
        }
    };
}

// `minimun_magnitude` (misspelt): ignored with a warning, as OpenQuake does
qa_case!(case_01);
// LanzanoEtAl2019_RJB_OMO, with use_rates (statistics of the rates)
qa_case!(case_02);
// two tectonic region types, minimum_distance and ModifiableGMPE with nrcan15_site_term
qa_case!(case_12);
// MorikawaFujiwara2013SubSlab (the published model, no region): z1pt4 from the job
qa_case!(case_13);
// GMPETable from HDF5 tables (rhypo), a logic tree of three, uniform hazard spectra and a
// realization's spectrum (`expected-files.txt` leaves out realizations.csv, not per site)
qa_case!(case_18);
qa_case!(case_03);
qa_case!(case_04);
// McVerry2006Asc and McVerry2006SInter (greater of two horizontal components) on
// characteristic faults and point sources
qa_case!(case_23);
qa_case!(case_24);
qa_case!(case_25);
qa_case!(case_26);
// a simple fault with a hypocentral depth distribution
qa_case!(case_28);
// MorikawaFujiwara2013 NIED subduction variants: z1pt4, and the site's and hypocentre's
// positions for the volcanic-front corrections
qa_case!(case_30);
// McVerry2006AscSC: New Zealand site classes (siteclass) from the site model, no vs30
qa_case!(case_32);
// a simple fault's hypoList and slipList: each floating rupture at three hypocentres
// (TusaLanger2016Rhypo)
qa_case!(case_33);
// magnitude-dependent aspect ratios (point, area, simple and complex fault sources)
qa_case!(case_36);
// AbrahamsonEtAl2015SInterHigh (BC Hydro, upper magnitude scaling) on a complex fault, sites
// on the forearc (backarc false by default)
qa_case!(case_42);
// ps_grid_spacing: the points of an area source collapsed on a 50 km grid
qa_case!(case_43);
// shift_hypo; `expected-3.26/` is OpenQuake 3.26.2's export of this job.ini (the case's
// `expected/hazard_curve-mean-PGA.csv` was computed without shift_hypo)
qa_case!(case_44);
qa_case!(case_48);
// ModifiableGMPE (set_between_epsilon) and pointsource_distance on a region grid
qa_case!(case_51);
// a characteristic fault on one plane, ModifiableGMPE scaling the median: every realization
qa_case!(case_53);
// CampbellBozorgnia2003NSHMP2007 and pointsource_distance
qa_case!(case_60);
// IdiniEtAl2017SInter: the soil type (soiltype) and vs30 from the site model; quantiles
qa_case!(case_63);
// LanzanoEtAl2016_RJB: site longitude, latitude and basin flag (bas) from the site model
qa_case!(case_64);
// YuEtAl2013Ms: elliptical attenuation (epicentral distance and azimuth)
qa_case!(case_69);
// NBCC2015_AA13 (a GMPE table with a site term), converted from RotD50 to the geometric
// mean (horiz_comp_to_geom_mean); the expected file is the mean UHS
qa_case!(case_77);
// point sources with a negative binomial temporal occurrence model (`expected-files.txt`:
// the curves, not the disaggregation)
qa_case!(case_78);
// ZhaoEtAl2016SSlabPErg: rvolc measured in the volcanic zones of its volc_arc_file
qa_case!(case_83);
// NGAEastUSGSGMPE with the Chapman and Guo (2021) coastal plains term: vs30 and z_sed from
// the site model
qa_case!(case_87);
// two realizations, quantiles, maps and spectra (area and fault sources): every export of the
// reference engine's run of the same job
qa_case!(area_quantiles, oqcloud_case);
// the same sources and realizations with the std, median and max statistics
qa_case!(area_std_max, oqcloud_case);
// the same with use_rates: every statistic taken over the realizations' rates
qa_case!(area_use_rates, oqcloud_case);
// characteristic faults on several planes (rx and ry0 in GC2 coordinates) with
// AbrahamsonEtAl2014 and ChiouYoungs2014 on a 239-site grid
qa_case!(planes_gc2, oqcloud_case);

//! Reading whole job.ini files: accepted ones, and each class of error located by file,
//! line and key.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{IniError, IntegrationDistance, JobIni, Py, literal_eval};

/// A scratch directory with the given (empty) files, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn with(files: &[&str]) -> Dir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("oqcloud-jobini-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for file in files {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        Dir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const INPUTS: [&str; 2] = ["source_model_logic_tree.xml", "gmpe_logic_tree.xml"];

/// A classical job in the style of OpenQuake's demos.
const CLASSICAL: &str = "\
[general]

description = Classical PSHA Area Source demo
calculation_mode = classical

[geometry]
sites = 0.5 -0.5, 1.0 2.0

[calculation]
source_model_logic_tree_file = source_model_logic_tree.xml
gsim_logic_tree_file = gmpe_logic_tree.xml
investigation_time = 50.0
intensity_measure_types_and_levels = {
  \"PGA\": [0.005, 0.007, 0.0098],
  # a comment line inside the value
  \"SA(0.1)\": logscale(0.005, 2.13, 3)}
truncation_level = 3
maximum_distance = {'default': [(5, 100), (7, 200)]}
reference_vs30_value = 600.0

[output]
hazard_maps = true
poes = 0.1 0.02
";

fn parse(text: &str, dir: &Dir) -> Result<JobIni, IniError> {
    JobIni::parse(text, "job.ini", dir.path())
}

/// The classical job with `from` replaced by `to`.
fn variant(from: &str, to: &str) -> Result<JobIni, IniError> {
    assert!(CLASSICAL.contains(from), "{from}");
    parse(&CLASSICAL.replacen(from, to, 1), &Dir::with(&INPUTS))
}

fn error(line: Option<usize>, key: Option<&str>, message: &str) -> IniError {
    IniError {
        file: "job.ini".into(),
        line,
        key: key.map(str::to_string),
        message: message.into(),
    }
}

#[test]
fn good_ini() {
    let dir = Dir::with(&INPUTS);
    let ini = parse(CLASSICAL, &dir).unwrap();
    assert_eq!(ini.calculation_mode(), "classical");
    assert_eq!(ini.description(), "Classical PSHA Area Source demo");
    assert_eq!(ini.hazard_calculation_id(), None);
    assert_eq!(ini.raw("investigation_time"), Some("50.0"));
    assert_eq!(ini.line("investigation_time"), Some(12));
    assert_eq!(ini.raw("missing"), None);
    assert_eq!(
        ini.raw("intensity_measure_types_and_levels"),
        Some("{\n\"PGA\": [0.005, 0.007, 0.0098],\n\"SA(0.1)\": logscale(0.005, 2.13, 3)}")
    );
    let keys: Vec<&str> = ini.params().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        [
            "description",
            "calculation_mode",
            "sites",
            "source_model_logic_tree_file",
            "gsim_logic_tree_file",
            "investigation_time",
            "intensity_measure_types_and_levels",
            "truncation_level",
            "maximum_distance",
            "reference_vs30_value",
            "hazard_maps",
            "poes",
        ]
    );
    let root = std::path::absolute(dir.path()).unwrap();
    assert_eq!(
        ini.input_files(),
        [root.join(INPUTS[0]), root.join(INPUTS[1])]
    );
}

#[test]
fn typed_accessors() {
    let ini = parse(CLASSICAL, &Dir::with(&INPUTS)).unwrap();
    let imtls = ini.imtls().unwrap();
    assert_eq!(imtls.len(), 2);
    assert_eq!(imtls[0], ("PGA".into(), vec![0.005, 0.007, 0.0098]));
    assert_eq!(imtls[1].0, "SA(0.1)");
    let delta = (2.13f64 / 0.005).ln();
    let logscale: Vec<f64> = (0..3)
        .map(|i| (delta * f64::from(i) / 2.0).exp() * 0.005)
        .collect();
    assert_eq!(imtls[1].1, logscale);
    assert_eq!(ini.investigation_time(), Some(50.0));
    assert_eq!(ini.truncation_level(), Some(3.0));
    assert_eq!(
        ini.maximum_distance(),
        Some(vec![(
            "default".into(),
            IntegrationDistance::Pairs(vec![(5.0, 100.0), (7.0, 200.0)])
        )])
    );
    assert_eq!(ini.minimum_magnitude(), None);
    assert_eq!(ini.pointsource_distance(), None);

    let ini = variant("truncation_level = 3", "truncation_level = 0").unwrap();
    assert_eq!(ini.truncation_level(), Some(1e-9));
    let ini = variant(
        "maximum_distance = {'default': [(5, 100), (7, 200)]}",
        "maximum_distance = 200\nminimum_magnitude = {'Active': 5, 'default': 4.5}\n\
         pointsource_distance = 1000",
    )
    .unwrap();
    assert_eq!(
        ini.maximum_distance(),
        Some(vec![("default".into(), IntegrationDistance::Fixed(200.0))])
    );
    let default = || Py::Str("default".into());
    assert_eq!(
        ini.minimum_magnitude(),
        Some(
            &[
                (Py::Str("Active".into()), Py::Int(5)),
                (default(), Py::Float(4.5))
            ][..]
        )
    );
    assert_eq!(
        ini.pointsource_distance(),
        Some(&[(default(), Py::Int(1000))][..])
    );
    let ini = variant(
        "intensity_measure_types_and_levels = {",
        "intensity_measure_types_and_levels = {'SA(0.20)': linscale(1, 2, 3), 'PGV': [0, 1, 2],",
    )
    .unwrap();
    assert_eq!(
        &ini.imtls().unwrap()[..2],
        [
            ("SA(0.2)".into(), vec![1.0, 1.5, 2.0]),
            ("PGV".into(), vec![1e-10, 1.0, 2.0])
        ]
    );
}

#[test]
fn public_literal_eval() {
    assert_eq!(
        literal_eval("{'PGA': [0.1, 4e-1]}"),
        Ok(Py::Dict(vec![(
            Py::Str("PGA".into()),
            Py::List(vec![Py::Float(0.1), Py::Float(0.4)])
        )]))
    );
    assert_eq!(literal_eval(" 5.7 ").map(|v| v.number()), Ok(Some(5.7)));
    assert!(literal_eval("{1: }").is_err());
    assert!(literal_eval("logscale(0.005, 2, 5)").is_err());
}

#[test]
fn description_defaults_like_openquake() {
    let ini = variant("description = Classical PSHA Area Source demo\n", "").unwrap();
    assert_eq!(ini.description(), "no description");
}

#[test]
fn dialect_details() {
    // `key: value`, upper-case keys, `;` comments, continued values, no interpolation
    let text = CLASSICAL.replace(
        "investigation_time = 50.0",
        "; comment\nINVESTIGATION_TIME: 50.0\ndescription2_is_not_here = 1",
    );
    let text = text.replace(
        "description2_is_not_here = 1",
        "export_dir = /tmp/%(calc_id)s",
    );
    let text = text.replace("poes = 0.1 0.02", "poes = 0.1\n    0.02");
    let ini = parse(&text, &Dir::with(&INPUTS)).unwrap();
    assert_eq!(ini.raw("investigation_time"), Some("50.0"));
    assert_eq!(ini.raw("export_dir"), Some("/tmp/%(calc_id)s"));
    assert_eq!(ini.raw("poes"), Some("0.1\n0.02"));
}

#[test]
fn parent_and_engine() {
    let ini = variant(
        "truncation_level = 3",
        "hazard_calculation_id = 7\nengine = native",
    )
    .unwrap();
    assert_eq!(ini.hazard_calculation_id(), Some(7));
    assert_eq!(ini.raw("engine"), Some("native"));
    // the server's hazard_job_id replaces the ini's value; without one, truncation is missing
    let text = CLASSICAL.replace("truncation_level = 3", "hazard_calculation_id = 7");
    let dir = Dir::with(&INPUTS);
    let ini = JobIni::parse_with_parent(&text, "job.ini", dir.path(), Some(Some(9))).unwrap();
    assert_eq!(ini.hazard_calculation_id(), Some(9));
    let err = JobIni::parse_with_parent(&text, "job.ini", dir.path(), Some(None)).unwrap_err();
    assert_eq!(
        err.message,
        "Missing truncation_level or truncation_level_between/truncation_level_within"
    );
    let err = variant(
        "truncation_level = 3",
        "truncation_level = 3\nengine = fast",
    )
    .unwrap_err();
    assert_eq!(
        err,
        error(
            Some(18),
            Some("engine"),
            "Got 'fast', expected auto|native|openquake: could not convert to Choice('auto', \
             'native', 'openquake'): engine=fast"
        )
    );
}

#[test]
fn malformed_line() {
    let err = variant("[output]\n", "[output]\nthis is not an ini line\n").unwrap_err();
    assert_eq!(
        err,
        error(
            Some(22),
            None,
            "Source contains parsing errors: 'this is not an ini line'"
        )
    );
    assert_eq!(
        err.to_string(),
        "job.ini, line 22: Source contains parsing errors: 'this is not an ini line'"
    );
    let err = parse("calculation_mode = classical\n", &Dir::with(&[])).unwrap_err();
    assert_eq!(err.line, Some(1));
    assert!(err.message.starts_with("File contains no section headers"));
}

#[test]
fn unknown_keys_are_ignored_with_a_warning() {
    let ini = variant("hazard_maps = true", "hazard_maps = true\nfoo = bar").unwrap();
    let warning = "The parameter 'foo' is unknown, ignoring";
    assert_eq!(ini.warnings(), [error(Some(23), Some("foo"), warning)]);
    let ini = variant("hazard_maps = true", "hazard_maps = true\nexposure = e.xml").unwrap();
    assert_eq!(
        ini.warnings()[0].to_string(),
        "job.ini, line 23: exposure: The parameter 'exposure' is unknown, ignoring (did you \
         mean 'exposure_file'?)"
    );
    // a misspelt required parameter: ignored, so the job lacks it
    let err = variant("investigation_time", "investigaton_time").unwrap_err();
    assert_eq!(
        err.to_string(),
        "job.ini: investigation_time: investigation_time must be set for calculation_mode = \
         classical (job.ini, line 12: investigaton_time: The parameter 'investigaton_time' is \
         unknown, ignoring (did you mean 'investigation_time'?))"
    );
    // an unknown input file is an error, as in OpenQuake
    let err = variant("gsim_logic_tree_file", "gsim_logic_tre_file").unwrap_err();
    assert_eq!(
        err.message,
        "unknown parameter 'gsim_logic_tre_file' (did you mean 'gsim_logic_tree_file'?)"
    );
    assert!(
        variant("hazard_maps", "hazard_maps")
            .unwrap()
            .warnings()
            .is_empty()
    );
}

#[test]
fn bad_values() {
    let err = variant("investigation_time = 50.0", "investigation_time = -50.0").unwrap_err();
    let expected = "float -50.0 < 0: could not convert to positivefloat: investigation_time=-50.0";
    assert_eq!(err, error(Some(12), Some("investigation_time"), expected));
    let err = variant(
        "calculation_mode = classical",
        "calculation_mode = classicalx",
    )
    .unwrap_err();
    assert_eq!(
        (err.line, err.key.as_deref()),
        (Some(4), Some("calculation_mode"))
    );
    assert!(
        err.message
            .starts_with("Got 'classicalx', expected classical_risk|classical_damage|classical|")
    );
    assert!(
        err.message
            .ends_with("'workflow'): calculation_mode=classicalx")
    );
    let err = variant("hazard_maps = true", "hazard_maps = maybe").unwrap_err();
    assert_eq!(
        err,
        error(
            Some(22),
            Some("hazard_maps"),
            "Not a boolean: maybe: could not convert to boolean: hazard_maps=maybe"
        )
    );
    let err = variant("poes = 0.1 0.02", "poes = 0.1 2").unwrap_err();
    assert_eq!((err.line, err.key.as_deref()), (Some(23), Some("poes")));
    let err = variant("sites = 0.5 -0.5, 1.0 2.0", "sites = 0.5 -0.5, 1.0").unwrap_err();
    assert_eq!(
        err.message,
        "Invalid point format:  1.0: could not convert to coordinates: sites=0.5 -0.5, 1.0"
    );
    let err = variant("(7, 200)", "(7, 200), (6, 50)").unwrap_err();
    assert_eq!(err.line, Some(18));
    assert!(
        err.message.starts_with("Found duplicates in") || err.message.contains("is not ordered")
    );
    let err = variant("[0.005, 0.007, 0.0098]", "[0.005, 0.0098, 0.007]").unwrap_err();
    assert_eq!(
        (err.line, err.key.as_deref()),
        (Some(13), Some("intensity_measure_types_and_levels"))
    );
    assert!(
        err.message.starts_with(
            "The imls for PGA are not sorted: [0.005, 0.0098, 0.007]: could not convert"
        )
    );
    let err = variant("logscale(0.005, 2.13, 3)", "logscale(0.005, 2.13, 4)").unwrap_err();
    assert_eq!(
        err.message,
        "Each IMT must have the same number of levels, instead you have {'PGA': 3, 'SA(0.1)': 4}"
    );
    assert_eq!(err.line, Some(13));
}

#[test]
fn missing_required() {
    let err = variant("calculation_mode = classical\n", "").unwrap_err();
    assert_eq!(
        err,
        error(None, Some("calculation_mode"), "Missing calculation_mode")
    );
    assert_eq!(
        err.to_string(),
        "job.ini: calculation_mode: Missing calculation_mode"
    );
    let err = variant("truncation_level = 3\n", "").unwrap_err();
    let expected = "Missing truncation_level or truncation_level_between/truncation_level_within";
    assert_eq!(err, error(None, Some("truncation_level"), expected));
    let err = variant("maximum_distance = {'default': [(5, 100), (7, 200)]}\n", "").unwrap_err();
    assert_eq!(err.message, "Missing maximum_distance");
    let err = variant("poes = 0.1 0.02", "poes =").unwrap_err();
    assert_eq!(err.key.as_deref(), Some("poes"));
    assert_eq!(
        err.message,
        "When computing hazard maps and/or uniform hazard spectra, the poes list must be non-empty."
    );
    let imtls = &CLASSICAL[CLASSICAL
        .find("intensity_measure_types_and_levels")
        .unwrap()..]
        [..CLASSICAL.find("truncation_level").unwrap() - CLASSICAL.find("intensity").unwrap()];
    let err = variant(imtls, "intensity_measure_types = PGA, SA(0.1)\n").unwrap_err();
    assert_eq!(
        err.key.as_deref(),
        Some("intensity_measure_types_and_levels")
    );
    assert!(err.message.starts_with("In order to compute hazard curves"));
    // the risk levels stand in for the hazard ones
    assert!(variant("intensity_measure_types_and_levels", "risk_imtls").is_ok());
    let err = variant("sites = 0.5 -0.5, 1.0 2.0\n", "").unwrap_err();
    assert!(
        err.message
            .starts_with("It is possible to infer the geometry only if exactly one of")
    );
    let err = variant(
        "source_model_logic_tree_file = source_model_logic_tree.xml\n",
        "",
    )
    .unwrap_err();
    assert_eq!(
        err.message,
        "Missing source_model_logic_tree in job.ini or missing --hc option"
    );
}

#[test]
fn checks_across_parameters() {
    let err = variant("= classical", "= scenario").unwrap_err();
    let expected = "there cannot be investigation_time in scenario";
    assert_eq!(err, error(Some(12), Some("investigation_time"), expected));
    let err = variant("= classical", "= disaggregation").unwrap_err();
    assert_eq!(
        err,
        error(None, Some("mag_bin_width"), "mag_bin_width must be set")
    );
    let bins = "mag_bin_width = 1\ndistance_bin_width = 10\ncoordinate_bin_width = 0.2\n\
                num_epsilon_bins = 3\ncalculation_mode = disaggregation";
    assert!(variant("calculation_mode = classical", bins).is_ok());
    let err = variant("hazard_maps = true", "hazard_maps = true\nsiteid = ab").unwrap_err();
    let expected = "There are 2 sites but self.siteid=['ab']";
    assert_eq!(err, error(Some(23), Some("siteid"), expected));
    let err = variant("hazard_maps = true", "sec_peril_params = [{}]").unwrap_err();
    assert_eq!(
        err.message,
        "there are 1 sec_peril_params for 0 secondary_perils"
    );
    let err = variant("hazard_maps = true", "minimum_engine_version = 3.30").unwrap_err();
    assert_eq!(err.message, "The engine version must be >= (3, 30, 0)");
}

#[test]
fn missing_files() {
    let dir = Dir::with(&["gmpe_logic_tree.xml"]);
    let err = parse(CLASSICAL, &dir).unwrap_err();
    let expected = "No such file: source_model_logic_tree.xml";
    assert_eq!(
        err,
        error(Some(10), Some("source_model_logic_tree_file"), expected)
    );
    assert_eq!(
        err.to_string(),
        "job.ini, line 10: source_model_logic_tree_file: No such file: source_model_logic_tree.xml"
    );
    // several files, in a sub-directory, and dict values
    let dir = Dir::with(&[
        INPUTS[0],
        INPUTS[1],
        "data/exp1.xml",
        "data/exp2.xml",
        "cons.csv",
    ]);
    let text = CLASSICAL.replace(
        "truncation_level = 3",
        "truncation_level = 3\nexposure_file = data/exp1.xml ./data/../data/exp2.xml\n\
         consequence_file = {'taxonomy': 'cons.csv'}",
    );
    let ini = parse(&text, &dir).unwrap();
    assert_eq!(ini.input_files().len(), 5);
    assert!(ini.input_files()[4].ends_with("cons.csv"));
    let err = parse(&text.replace("cons.csv", "gone.csv"), &dir).unwrap_err();
    assert_eq!(
        err,
        error(Some(19), Some("consequence_file"), "No such file: gone.csv")
    );
}

#[test]
fn legacy_names() {
    let err = variant(
        "hazard_maps = true",
        "hazard_maps = true\nmean = true\nmean_hazard_curves = true",
    )
    .unwrap_err();
    assert_eq!(
        err,
        error(
            Some(24),
            Some("mean_hazard_curves"),
            "Please remove mean_hazard_curves, you should use only mean"
        )
    );
    let err = variant(
        "hazard_maps = true",
        "hazard_maps = true\nquantile_hazard_curves = 2",
    )
    .unwrap_err();
    assert_eq!(err.key.as_deref(), Some("quantile_hazard_curves"));
    assert!(
        err.message
            .ends_with("could not convert to probabilities: quantiles=2")
    );
}

#[test]
fn from_file_reads_bytes() {
    let dir = Dir::with(&INPUTS);
    let path = dir.path().join("job.ini");
    std::fs::write(&path, format!("\u{feff}{CLASSICAL}")).unwrap();
    let ini = JobIni::from_file(&path).unwrap();
    assert_eq!(ini.calculation_mode(), "classical");
    std::fs::write(&path, b"[general]\ndescription = \xe0\n").unwrap();
    let err = JobIni::from_file(&path).unwrap_err();
    assert_eq!(
        (err.line, err.file.as_str()),
        (Some(2), path.to_str().unwrap())
    );
    let missing = dir.path().join("nope.ini");
    let err = JobIni::from_file(&missing).unwrap_err();
    assert_eq!(
        err.message,
        format!("File not found: {}", missing.display())
    );
}

#[test]
fn risk_job_on_a_parent() {
    let dir = Dir::with(&["vulnerability.xml"]);
    let text = "[general]\ndescription = risk\ncalculation_mode = classical_risk\n\
                [vulnerability]\nstructural_vulnerability_file = vulnerability.xml\n\
                [outputs]\nconditional_loss_poes = 0.02, 0.10\n";
    let err = parse(text, &dir).unwrap_err();
    assert_eq!(err.key.as_deref(), Some("truncation_level"));
    let ini = JobIni::parse_with_parent(text, "job.ini", dir.path(), Some(Some(8))).unwrap();
    assert_eq!(ini.hazard_calculation_id(), Some(8));
    let text = text.replace("structural_vulnerability_file = vulnerability.xml\n", "");
    let err = JobIni::parse_with_parent(&text, "job.ini", dir.path(), Some(None)).unwrap_err();
    assert_eq!(err.message, "missing vulnerability files");
}

#[test]
fn error_display_leaves_out_missing_parts() {
    let err = IniError {
        file: "a.ini".into(),
        line: None,
        key: None,
        message: "boom".into(),
    };
    assert_eq!(err.to_string(), "a.ini: boom");
    let err = IniError {
        file: "a.ini".into(),
        line: Some(3),
        key: Some("k".into()),
        message: "m".into(),
    };
    assert_eq!(err.to_string(), "a.ini, line 3: k: m");
}

/// A small deterministic generator for the garbage below.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn garbage_never_panics() {
    const PIECES: &[&str] = &[
        "[",
        "]",
        "[general]",
        "[DEFAULT]",
        "=",
        ":",
        "\n",
        "\r\n",
        "\r",
        " ",
        "\t",
        "#",
        ";",
        "{",
        "}",
        "(",
        ")",
        ",",
        "'",
        "\"",
        "\\",
        "%(x)s",
        "logscale(",
        "linscale(",
        "0",
        "-1",
        "1e308",
        "nan",
        "inf",
        "0x",
        "_",
        ".",
        "SA(",
        "PGA",
        "True",
        "None",
        "calculation_mode",
        "classical",
        "sites",
        "poes",
        "maximum_distance",
        "intensity_measure_types_and_levels",
        "exposure_file",
        "x.zip",
        "/abs",
        "..",
        "é",
        "\u{feff}",
        "\u{0}",
        "\u{2028}",
        "日本",
        "hazard_calculation_id",
        "iml_disagg",
        "disaggregation",
        "event_based_risk",
        "9999999999999999999999",
    ];
    let dir = Dir::with(&INPUTS);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let mut text = String::new();
        for _ in 0..rng.below(60) {
            text.push_str(PIECES[rng.below(PIECES.len())]);
        }
        let _ = JobIni::parse(&text, "fuzz.ini", dir.path()).map(|ini| ini.params().count());
    }
    // mutations of a valid file: deletions, insertions, swapped characters
    let base: Vec<char> = CLASSICAL.chars().collect();
    for _ in 0..3000 {
        let mut chars = base.clone();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(chars.len());
            match rng.below(3) {
                0 => {
                    chars.remove(at);
                }
                1 => {
                    let piece = PIECES[rng.below(PIECES.len())];
                    for (i, c) in piece.chars().enumerate() {
                        chars.insert(at + i, c);
                    }
                }
                _ => {
                    let other = rng.below(chars.len());
                    chars.swap(at, other);
                }
            }
        }
        let text: String = chars.into_iter().collect();
        let _ = JobIni::parse(&text, "fuzz.ini", dir.path());
    }
    // random bytes, lossily decoded
    for _ in 0..1000 {
        let bytes: Vec<u8> = (0..rng.below(200)).map(|_| rng.next() as u8).collect();
        let _ = JobIni::parse(&String::from_utf8_lossy(&bytes), "fuzz.ini", dir.path());
    }
}

#[test]
fn oqparam_json_as_openquake_stores_it() {
    let dir = Dir::with(&INPUTS);
    let ini = parse(CLASSICAL, &dir).unwrap();
    let json = serde_json::Value::Object(ini.oqparam_json());
    let base = dir.path().display().to_string();
    let expected = serde_json::json!({
        "base_path": base,
        "inputs": {
            "job_ini": format!("{base}/job.ini"),
            "source_model_logic_tree": format!("{base}/source_model_logic_tree.xml"),
            "gsim_logic_tree": format!("{base}/gmpe_logic_tree.xml"),
        },
        "description": "Classical PSHA Area Source demo",
        "calculation_mode": "classical",
        "sites": [[0.5, -0.5, 0.0], [1.0, 2.0, 0.0]],
        "investigation_time": 50.0,
        "truncation_level": 3.0,
        "maximum_distance": {"default": [[5.0, 100.0], [7.0, 200.0]]},
        "reference_vs30_value": 600.0,
        "hazard_maps": 1,
        "poes": [0.1, 0.02],
        "hazard_imtls": {
            "PGA": [0.005, 0.007, 0.0098],
            "SA(0.1)": [0.005, 0.10319883720275144, 2.129999999999999],
        },
    });
    assert_eq!(json, expected);
    // key order is the file's, as OpenQuake keeps it
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        &keys[..4],
        ["base_path", "inputs", "description", "calculation_mode"]
    );
}

/// The inputs that made the `job_ini` fuzz target crash (`fuzz/corpus-regressions/job_ini`)
/// are rejected or accepted without a panic.
#[test]
fn fuzz_regressions() {
    let corpus =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus-regressions/job_ini");
    let files = std::fs::read_dir(&corpus)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", corpus.display()));
    let dir = Dir::with(&INPUTS);
    let mut count = 0;
    for file in files {
        let bytes = std::fs::read(file.expect("a directory entry").path()).expect("a file");
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = JobIni::parse(text, "fuzz.ini", dir.path()).map(|ini| ini.imtls().is_some());
            count += 1;
        }
    }
    assert!(count > 0, "no regression inputs in {}", corpus.display());
}

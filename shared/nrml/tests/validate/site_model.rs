//! Site models.

use oqcloud_nrml::site_model::Vs30Type;
use oqcloud_nrml::{Model, read};

use super::{FILE, assert_invalid, assert_valid, replace};

const SITES: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<nrml xmlns="http://openquake.org/xmlns/nrml/0.4">
  <siteModel>
    <site lon="10.0" lat="45.0" vs30="760.0" vs30Type="measured" z1pt0="40.0" z2pt5="1.0"
          z1pt4="81.0"/>
    <site lon="10.1" lat="45.0" vs30="300.0" vs30Type="inferred" z1pt0="-999" z2pt5="0"
          backarc="true"/>
  </siteModel>
</nrml>
"#;

#[test]
fn sites_are_read() {
    let Model::SiteModel(model) = read(SITES, FILE).unwrap().model else {
        panic!("not a site model");
    };
    let [first, second] = model.sites.as_slice() else {
        panic!("two sites expected");
    };
    assert_eq!((first.lon, first.lat, first.vs30), (10.0, 45.0, 760.0));
    assert_eq!(first.vs30_type, Some(Vs30Type::Measured));
    assert_eq!((first.z1pt0, first.z2pt5), (Some(40.0), Some(1.0)));
    assert_eq!((first.z1pt4, second.z1pt4), (Some(81.0), None));
    assert_eq!(second.vs30_type, Some(Vs30Type::Inferred));
    assert_eq!(second.z1pt0, Some(-999.0));
    assert_eq!(second.other, [("backarc".to_owned(), "true".to_owned())]);
}

#[test]
fn each_check_names_its_element_and_line() {
    let cases: &[(&str, &str, u32, &str)] = &[
        (
            r#"lon="10.0""#,
            r#"lon="180.1""#,
            4,
            "node site: Could not convert lon->longitude: longitude 180.1 is not in the range",
        ),
        (
            r#"lat="45.0" vs30="760.0""#,
            r#"lat="-91" vs30="760.0""#,
            4,
            "Could not convert lat->latitude",
        ),
        (
            r#"vs30="760.0""#,
            r#"vs30="0""#,
            4,
            "node site: Could not convert vs30->positive_or_unknown: 0 is neither positive nor \
             -999",
        ),
        (
            r#"vs30="760.0" "#,
            "",
            4,
            "node site: missing attribute vs30",
        ),
        (
            r#"z1pt0="40.0""#,
            r#"z1pt0="-1""#,
            4,
            "Could not convert z1pt0->non_negative_or_unknown: -1 is neither >= 0 nor -999",
        ),
        (
            r#"z2pt5="1.0""#,
            r#"z2pt5="deep""#,
            4,
            "Could not convert z2pt5->non_negative_or_unknown: 'deep' is not a number",
        ),
        (
            r#"z1pt4="81.0""#,
            r#"z1pt4="-81""#,
            4,
            "Could not convert z1pt4->non_negative_or_unknown: -81 is neither >= 0 nor -999",
        ),
        (
            r#"backarc="true""#,
            r#"bakarc="true""#,
            6,
            "node site: bakarc is not a known site parameter",
        ),
        (
            r#"lon="10.1""#,
            r#"lon="10.0""#,
            6,
            "node site: duplicated site at lon=10 lat=45",
        ),
        (
            "<site lon=\"10.0\"",
            "<point/>\n<site lon=\"10.0\"",
            4,
            "node point: unexpected point in a siteModel (expected site)",
        ),
    ];
    for &(old, new, line, fragment) in cases {
        assert_invalid(&replace(SITES, old, new), line, fragment);
    }
    assert_invalid(
        "<nrml>\n<siteModel>\n</siteModel>\n</nrml>",
        2,
        "node siteModel: the site model has no sites",
    );
}

#[test]
fn values_openquake_accepts() {
    // vs30 -999 is filled in by the job; a vs30Type other than "measured" means inferred
    let xml = replace(
        SITES,
        r#"vs30="760.0" vs30Type="measured""#,
        r#"vs30="-999" vs30Type="0""#,
    );
    assert_valid(&xml);
    let Model::SiteModel(model) = read(&xml, FILE).unwrap().model else {
        panic!("not a site model");
    };
    assert_eq!(model.sites[0].vs30_type, Some(Vs30Type::Inferred));
}

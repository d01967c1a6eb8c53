//! The plots from archives written by oqcloud's own extract code (`oqcloud_extract::Npz`),
//! served by an in-memory source: the npz reader, a hazard-curve PNG, and the error naming
//! the kinds a calculation has.

use async_trait::async_trait;
use oqcloud_extract::extract::{NpyArray, Npz};
use oqcloud_plot::npz::NpzFile;
use oqcloud_plot::{ExtractSource, PlotError, plot};

/// One site, PGA with 4 levels, a mean and two realizations.
struct Fake;

fn npz(members: Vec<(&str, NpyArray)>) -> Vec<u8> {
    let mut npz = Npz::new();
    for (name, array) in members {
        npz.add(name, array);
    }
    npz.to_bytes().unwrap()
}

#[async_trait]
impl ExtractSource for Fake {
    async fn extract(&self, what: &str, params: &[(String, String)]) -> Result<Vec<u8>, PlotError> {
        let kinds: Vec<&str> = params
            .iter()
            .filter(|(k, _)| k == "kind")
            .map(|(_, v)| v.as_str())
            .collect();
        let curve =
            |scale: f32| NpyArray::f32(vec![1, 1, 4], [0.5, 0.1, 0.01, 0.0].map(|v| v * scale));
        Ok(match (what, kinds.as_slice()) {
            ("oqparam", _) => npz(vec![(
                "json",
                NpyArray::bytes_scalar(
                    r#"{"investigation_time": 50.0, "hazard_imtls": {"PGA": [0.01, 0.1, 0.5, 1.0]}, "poes": [0.1]}"#,
                ),
            )]),
            ("sitecol", _) => {
                let column = |v: f64| v.to_le_bytes().to_vec();
                let dtype = oqcloud_datastore::DType::Float(8);
                npz(vec![(
                    "array",
                    NpyArray::records(
                        1,
                        &[
                            ("lon".into(), dtype.clone(), column(20.5)),
                            ("lat".into(), dtype, column(-43.9)),
                        ],
                    ),
                )])
            }
            ("hcurves", ["mean"] | ["stats"]) => npz(vec![
                ("mean", curve(1.0)),
                ("kind", NpyArray::unicode(&["mean"])),
            ]),
            ("hcurves", ["rlzs"]) => npz(vec![("rlz-000", curve(0.8)), ("rlz-001", curve(1.2))]),
            _ => return Err(PlotError::Extract(format!("no {what} {kinds:?}"))),
        })
    }
}

#[test]
fn archives_of_the_extract_writer_are_read() {
    let bytes = npz(vec![
        ("mean", NpyArray::f32(vec![1, 2], [0.5, 0.25])),
        ("kind", NpyArray::unicode(&["mean", "rlz-001"])),
        ("i", NpyArray::i64s(&[-3, 7])),
    ]);
    let file = NpzFile::read(&bytes).unwrap();
    let mean = file.require("mean").unwrap();
    assert_eq!(mean.shape, [1, 2]);
    assert_eq!(mean.numbers().unwrap(), [0.5, 0.25]);
    assert_eq!(
        file.require("kind").unwrap().texts().unwrap(),
        ["mean", "rlz-001"]
    );
    assert_eq!(file.require("i").unwrap().numbers().unwrap(), [-3.0, 7.0]);
    let missing = file.require("max").unwrap_err().to_string();
    assert!(missing.contains("'max'"), "{missing}");
    assert!(NpzFile::read(b"not a zip").is_err());
}

#[tokio::test]
async fn curves_are_drawn_and_a_missing_kind_names_those_present() {
    let png = plot(&Fake, "hcurves?kind=rlzs&kind=mean", (640, 480))
        .await
        .unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    // the IHDR chunk: width and height
    assert_eq!(&png[16..24], [0, 0, 2, 128, 0, 0, 1, 224]);

    let error = plot(&Fake, "hcurves?kind=max", (640, 480))
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "hcurves: the calculation has no kind 'max'; the kinds it has: mean, rlz-000, rlz-001"
    );
    let error = plot(&Fake, "hcurves?kind=mean&imt=PGV", (640, 480))
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("no PGV; it has PGA"), "{error}");
}

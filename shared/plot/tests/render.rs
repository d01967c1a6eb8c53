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

/// Extracts from a datastore in-process, as the server's `download_png` does.
struct DatastoreSource(oqcloud_datastore::Datastore);

#[async_trait]
impl ExtractSource for DatastoreSource {
    async fn extract(&self, what: &str, params: &[(String, String)]) -> Result<Vec<u8>, PlotError> {
        oqcloud_extract::extract(&self.0, what, params)
            .map_err(|e| PlotError::Extract(e.to_string()))?
            .to_bytes()
            .map_err(PlotError::Draw)
    }
}

/// The share of pixels that are not white.
fn inked(png: &[u8]) -> f64 {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let pixels = buf[..info.buffer_size()].chunks(3);
    let total = pixels.len() as f64;
    buf[..info.buffer_size()]
        .chunks(3)
        .filter(|p| p.iter().any(|&c| c < 250))
        .count() as f64
        / total
}

/// The reference engine's disaggregation of two sites (`tests/data/extract-disagg`): bars for
/// one axis, a heat map for two, an error for more.
#[tokio::test]
async fn disaggregations_are_drawn() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/extract-disagg/calc.hdf5"
    );
    let source = DatastoreSource(oqcloud_datastore::Datastore::open(path).unwrap());
    for spec in [
        "disagg?kind=Mag&imt=PGA&site_id=0&poe_id=0&spec=rlzs",
        "disagg?kind=TRT&imt=SA(0.1)&site_id=1&poe_id=1&spec=stats",
        "disagg?kind=Mag_Dist&imt=PGA&site_id=0&poe_id=0&spec=rlzs-traditional",
        "disagg?kind=Lon_Lat&site_id=1&spec=stats",
    ] {
        let png = plot(&source, spec, (800, 600)).await.unwrap();
        assert_eq!(&png[16..24], [0, 0, 3, 32, 0, 0, 2, 88], "{spec}: size");
        let ink = inked(&png);
        assert!(ink > 0.05, "{spec}: only {ink:.3} of the pixels drawn");
    }
    let error = plot(&source, "disagg?kind=Mag_Dist_Eps&spec=rlzs", (800, 600))
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("Mag_Dist_Eps has 3 axes"), "{error}");
    let error = plot(&source, "disagg?kind=Foo&spec=rlzs", (800, 600))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("not one of the outputs of this calculation (Dist, Lon_Lat, Mag"),
        "{error}"
    );
    let error = plot(&source, "disagg?kind=Mag&spec=rlzs&poe_id=5", (800, 600))
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "poe_id: 5 is out of range (the calculation has 2 poes)"
    );
}

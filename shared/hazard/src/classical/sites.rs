//! The hazard sites of a job and their soil parameters, as OpenQuake 3.26 builds its site
//! collection.
//!
//! - `sites = lon lat [depth], ...`: the points sorted by (lon, lat, depth);
//! - `sites_csv`: OpenQuake reads it as a site model: rows `lon,lat[,depth]` without a
//!   header are sorted likewise, a file with a header keeps its order; the job's reference
//!   soil parameters apply to every site when `reference_vs30_value` is set, else the
//!   file's own columns;
//! - `site_model_file` (CSV with a header, or NRML `siteModel`) alone: its points, in file
//!   order, with their parameters;
//! - `sites` with a `site_model_file`: each site takes the parameters of the closest
//!   site-model point (chord distance on the sphere), which must be within 8 km;
//! - `region` (or `region_constraint`) with `region_grid_spacing`: the grid of the region
//!   dilated by the spacing (see [`region_grid`]), sorted by (lon, lat); with a
//!   `site_model_file`, each site takes the parameters of the closest site-model point,
//!   however far.
//!
//! Parameters a site model lacks come from the job's `reference_*` values. Longitudes and
//! latitudes are rounded to 5 decimals.
//!
//! When the sites are the rows of a file (`sites_csv`, or `site_model_file` alone), its
//! columns are kept too ([`SiteFile`]): OpenQuake's site collection has every one of them.

use std::path::Path;

use oqcloud_model::jobini::JobIni;
use oqcloud_nrml::Model;
use oqcloud_nrml::site_model::Vs30Type;

use super::{invalid, number, read_nrml, unsupported};
use crate::geo::{region_grid, to_cartesian};
use crate::{HazardError, Site};

/// OpenQuake's largest distance (km) from a site to the site-model point it takes its
/// parameters from (`ASSOC_DIST`).
const ASSOC_DIST: f64 = 8.0;

/// Soil parameters of one site; `None` where neither the site model nor the job gives one.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SiteParams {
    /// m/s.
    pub vs30: Option<f64>,
    pub vs30measured: bool,
    /// m.
    pub z1pt0: Option<f64>,
    /// km.
    pub z2pt5: Option<f64>,
    /// Coastal plains sediment depth, km (site models only).
    pub z_sed: Option<f64>,
    /// m.
    pub z1pt4: Option<f64>,
    /// Whether the site is in a basin (`bas`, site models only).
    pub bas: Option<bool>,
    /// Where the site is with respect to a subduction zone (`backarc`, site models only):
    /// OpenQuake's code, 0 forearc (as where not given), 1 backarc, 2 along the arc.
    pub backarc: u8,
    /// The site's soil type (`soiltype`, site models only).
    pub soiltype: Option<f64>,
    /// The site's class, an ASCII letter (`siteclass`, site models only).
    pub siteclass: Option<u8>,
}

/// A site-model point.
struct ModelPoint {
    site: Site,
    params: SiteParams,
}

/// The file whose rows are the sites of the job (`sites_csv`, or `site_model_file` alone),
/// as OpenQuake reads it into its site collection.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SiteFile {
    /// Its columns as OpenQuake names them (`vs30measured` for NRML's `vs30Type`), in file
    /// order, without `lon`, `lat` and `site_id`; a file without a header has `depth`.
    pub columns: Vec<String>,
    /// The text of each site in the columns [`SiteParams`] does not hold (`xvf`, `region`,
    /// `custom_site_id`, ...), by column, in file order.
    pub other: Vec<(String, Vec<String>)>,
    /// Whether the job's reference parameters replace those of the file (`sites_csv` with a
    /// `reference_vs30_value`: OpenQuake's `prefer_global_site_params`).
    pub prefer_global: bool,
}

/// The columns of a site file [`SiteParams`] and [`Site`] hold.
const MODELLED: [&str; 12] = [
    "depth",
    "vs30",
    "vs30measured",
    "z1pt0",
    "z2pt5",
    "z_sed",
    "z1pt4",
    "bas",
    "backarc",
    "soiltype",
    "siteclass",
    // the row number, which OpenQuake ignores
    "site_id",
];

/// The points of a site file and its columns.
struct Table {
    points: Vec<ModelPoint>,
    file: SiteFile,
}

impl Table {
    /// A table of `points` whose only columns are `columns`, their text in `other`.
    fn new(
        points: Vec<ModelPoint>,
        columns: Vec<String>,
        other: Vec<(String, Vec<String>)>,
    ) -> Self {
        Table {
            points,
            file: SiteFile {
                columns,
                other,
                prefer_global: false,
            },
        }
    }
}

/// The sites of a job, in OpenQuake's order, with their parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct JobSites {
    pub sites: Vec<Site>,
    /// Soil parameters of each site.
    pub params: Vec<SiteParams>,
    /// The file the sites are the rows of, if so.
    pub file: Option<SiteFile>,
}

/// `x` rounded to 5 decimals as `numpy.round` does.
fn round5(x: f64) -> f64 {
    (x * 1e5).round_ties_even() / 1e5
}

/// The job's `reference_*` site parameters.
fn reference_params(ini: &JobIni) -> Result<SiteParams, HazardError> {
    Ok(SiteParams {
        vs30: number(ini, "reference_vs30_value")?,
        vs30measured: ini.raw("reference_vs30_type").map(str::trim) == Some("measured"),
        z1pt0: number(ini, "reference_depth_to_1pt0km_per_sec")?,
        z2pt5: number(ini, "reference_depth_to_2pt5km_per_sec")?,
        z_sed: None,
        z1pt4: number(ini, "reference_depth_to_1pt4km_per_sec")?,
        bas: None,
        backarc: 0,
        soiltype: None,
        siteclass: None,
    })
}

/// `sites = lon lat [depth], ...`, unsorted.
fn parse_sites(text: &str) -> Result<Vec<Site>, HazardError> {
    text.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            let xs = s
                .split_whitespace()
                .map(|x| x.parse::<f64>().map_err(|_| invalid(format!("site {s:?}"))))
                .collect::<Result<Vec<_>, _>>()?;
            match xs[..] {
                [lon, lat] => Ok(Site {
                    lon,
                    lat,
                    depth: 0.0,
                }),
                [lon, lat, depth] => Ok(Site { lon, lat, depth }),
                _ => Err(invalid(format!("site {s:?}"))),
            }
        })
        .collect()
}

/// Sorts as Python sorts (lon, lat, depth) tuples.
fn sort_sites(sites: &mut [Site]) {
    sites.sort_by(|a, b| {
        a.lon
            .total_cmp(&b.lon)
            .then(a.lat.total_cmp(&b.lat))
            .then(a.depth.total_cmp(&b.depth))
    });
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "measured" => Some(true),
        "0" | "false" | "inferred" => Some(false),
        _ => None,
    }
}

/// A site class: one ASCII letter.
fn parse_site_class(s: &str) -> Option<u8> {
    match s.trim().as_bytes() {
        &[letter] if letter.is_ascii_alphabetic() => Some(letter),
        _ => None,
    }
}

/// OpenQuake's `backarc` code: 0 forearc, 1 backarc, 2 along the arc (which the models read
/// as backarc), or a boolean.
fn parse_backarc(s: &str) -> Option<u8> {
    match s.trim() {
        "2" => Some(2),
        other => parse_bool(other).map(u8::from),
    }
}

/// A site CSV: with a header (`lon`, `lat`, and any of `depth`, `vs30`, `vs30measured`,
/// `z1pt0`, `z2pt5`, `z_sed`, `z1pt4`, `bas`, `backarc`, `soiltype`, `siteclass`; the text of
/// other columns kept) its rows in file order,
/// or without one `lon,lat[,depth]` rows sorted; missing parameters from `reference`.
fn read_site_csv(path: &Path, reference: SiteParams) -> Result<Table, HazardError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| invalid(format!("{}: {e}", path.display())))?;
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let bad = |line: &str| invalid(format!("{}: bad line {line:?}", path.display()));
    let first = lines
        .next()
        .ok_or_else(|| invalid(format!("{}: empty", path.display())))?;
    let headerless = first
        .split(',')
        .next()
        .is_some_and(|c| c.trim().parse::<f64>().is_ok());
    if headerless {
        let mut sites = std::iter::once(first)
            .chain(lines)
            .map(|line| parse_sites(&line.replace(',', " ")).map_err(|_| bad(line)))
            .collect::<Result<Vec<_>, _>>()?
            .concat();
        sort_sites(&mut sites);
        let points = sites
            .into_iter()
            .map(|site| ModelPoint {
                site,
                params: reference,
            })
            .collect();
        // OpenQuake's `get_poor_site_model`: lon, lat, depth
        return Ok(Table::new(points, vec!["depth".into()], Vec::new()));
    }
    let header: Vec<&str> = first.split(',').map(str::trim).collect();
    let column = |name: &str| header.iter().position(|h| *h == name);
    let (Some(lon), Some(lat)) = (column("lon"), column("lat")) else {
        return Err(invalid(format!("{}: no lon, lat columns", path.display())));
    };
    let (depth, vs30, measured) = (column("depth"), column("vs30"), column("vs30measured"));
    let (z1pt0, z2pt5, z_sed) = (column("z1pt0"), column("z2pt5"), column("z_sed"));
    let z1pt4 = column("z1pt4");
    let (bas, backarc, soiltype) = (column("bas"), column("backarc"), column("soiltype"));
    let siteclass = column("siteclass");
    let columns: Vec<String> = header
        .iter()
        .filter(|h| !matches!(**h, "lon" | "lat" | "site_id"))
        .map(|h| h.to_string())
        .collect();
    let mut other: Vec<(String, Vec<String>)> = columns
        .iter()
        .filter(|h| !MODELLED.contains(&h.as_str()))
        .map(|h| (h.clone(), Vec::new()))
        .collect();
    let other_at: Vec<usize> = other.iter().filter_map(|(name, _)| column(name)).collect();
    let points = lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            if cells.len() != header.len() {
                return Err(bad(line));
            }
            for ((_, values), &i) in other.iter_mut().zip(&other_at) {
                values.push(cells[i].trim().to_owned());
            }
            let num = |i: usize| cells[i].trim().parse::<f64>().map_err(|_| bad(line));
            let opt = |col: Option<usize>, default: Option<f64>| match col {
                Some(i) => num(i).map(Some),
                None => Ok(default),
            };
            Ok(ModelPoint {
                site: Site {
                    lon: round5(num(lon)?),
                    lat: round5(num(lat)?),
                    depth: opt(depth, Some(0.0))?.unwrap_or(0.0),
                },
                params: SiteParams {
                    vs30: opt(vs30, reference.vs30)?,
                    vs30measured: match measured {
                        Some(i) => parse_bool(cells[i]).ok_or_else(|| bad(line))?,
                        None => reference.vs30measured,
                    },
                    z1pt0: opt(z1pt0, reference.z1pt0)?,
                    z2pt5: opt(z2pt5, reference.z2pt5)?,
                    z_sed: opt(z_sed, reference.z_sed)?,
                    z1pt4: opt(z1pt4, reference.z1pt4)?,
                    bas: match bas {
                        Some(i) => Some(parse_bool(cells[i]).ok_or_else(|| bad(line))?),
                        None => reference.bas,
                    },
                    backarc: match backarc {
                        Some(i) => parse_backarc(cells[i]).ok_or_else(|| bad(line))?,
                        None => reference.backarc,
                    },
                    soiltype: opt(soiltype, reference.soiltype)?,
                    siteclass: match siteclass {
                        Some(i) => Some(parse_site_class(cells[i]).ok_or_else(|| bad(line))?),
                        None => reference.siteclass,
                    },
                },
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Table::new(points, columns, other))
}

/// An NRML `siteModel`, in file order; its columns are the attributes of the first site
/// (as OpenQuake takes them).
fn read_site_model_xml(path: &Path, reference: SiteParams) -> Result<Table, HazardError> {
    let Model::SiteModel(model) = read_nrml(path)? else {
        return Err(invalid(format!("{}: not a site model", path.display())));
    };
    let mut columns = vec!["vs30".to_owned()];
    let mut other: Vec<(String, Vec<String>)> = Vec::new();
    if let Some(first) = model.sites.first() {
        let optional = [
            ("vs30measured", first.vs30_type.is_some()),
            ("z1pt0", first.z1pt0.is_some()),
            ("z2pt5", first.z2pt5.is_some()),
            ("z1pt4", first.z1pt4.is_some()),
        ];
        columns.extend(
            optional
                .iter()
                .filter(|(_, on)| *on)
                .map(|(n, _)| n.to_string()),
        );
        for (name, _) in &first.other {
            columns.push(name.clone());
            if !MODELLED.contains(&name.as_str()) {
                let values = model
                    .sites
                    .iter()
                    .map(|s| {
                        s.other
                            .iter()
                            .find(|(n, _)| n == name)
                            .map(|(_, v)| v.trim().to_owned())
                            .ok_or_else(|| {
                                invalid(format!(
                                    "{}, line {}: no {name}",
                                    path.display(),
                                    s.origin.line
                                ))
                            })
                    })
                    .collect::<Result<_, _>>()?;
                other.push((name.clone(), values));
            }
        }
    }
    let points = model
        .sites
        .iter()
        .map(|s| {
            let bas = match s.other.iter().find(|(name, _)| name == "bas") {
                Some((_, value)) => Some(parse_bool(value).ok_or_else(|| {
                    invalid(format!(
                        "{}, line {}: bas={value:?} is not a boolean",
                        path.display(),
                        s.origin.line
                    ))
                })?),
                None => reference.bas,
            };
            let backarc = match s.other.iter().find(|(name, _)| name == "backarc") {
                Some((_, value)) => parse_backarc(value).ok_or_else(|| {
                    invalid(format!(
                        "{}, line {}: backarc={value:?} is not 0, 1, 2 or a boolean",
                        path.display(),
                        s.origin.line
                    ))
                })?,
                None => reference.backarc,
            };
            let soiltype = match s.other.iter().find(|(name, _)| name == "soiltype") {
                Some((_, value)) => Some(value.trim().parse::<f64>().map_err(|_| {
                    invalid(format!(
                        "{}, line {}: soiltype={value:?} is not a number",
                        path.display(),
                        s.origin.line
                    ))
                })?),
                None => reference.soiltype,
            };
            let siteclass = match s.other.iter().find(|(name, _)| name == "siteclass") {
                Some((_, value)) => Some(parse_site_class(value).ok_or_else(|| {
                    invalid(format!(
                        "{}, line {}: siteclass={value:?} is not a letter",
                        path.display(),
                        s.origin.line
                    ))
                })?),
                None => reference.siteclass,
            };
            Ok(ModelPoint {
                site: Site {
                    lon: round5(s.lon),
                    lat: round5(s.lat),
                    depth: 0.0,
                },
                params: SiteParams {
                    vs30: Some(s.vs30),
                    vs30measured: s.vs30_type == Some(Vs30Type::Measured),
                    z1pt0: s.z1pt0.or(reference.z1pt0),
                    z2pt5: s.z2pt5.or(reference.z2pt5),
                    z_sed: reference.z_sed,
                    z1pt4: s.z1pt4.or(reference.z1pt4),
                    bas,
                    backarc,
                    soiltype,
                    siteclass,
                },
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Table::new(points, columns, other))
}

/// The points of every file of `site_model_file`, one after the other (the files must have
/// the same columns).
fn read_site_model(
    ini: &JobIni,
    base_dir: &Path,
    reference: SiteParams,
) -> Result<Option<Table>, HazardError> {
    let Some(files) = ini.raw("site_model_file") else {
        return Ok(None);
    };
    let mut all: Option<Table> = None;
    for file in files.split_whitespace() {
        let path = base_dir.join(file);
        let table = if file.ends_with(".xml") {
            read_site_model_xml(&path, reference)?
        } else {
            read_site_csv(&path, reference)?
        };
        let Some(all) = &mut all else {
            all = Some(table);
            continue;
        };
        let mut theirs = table.file.columns.clone();
        theirs.sort();
        let mut ours = all.file.columns.clone();
        ours.sort();
        if theirs != ours {
            return Err(invalid(format!(
                "{}: other columns than the first site model file's",
                path.display()
            )));
        }
        all.points.extend(table.points);
        for (name, values) in &mut all.file.other {
            if let Some((_, more)) = table.file.other.iter().find(|(n, _)| n == name) {
                values.extend(more.iter().cloned());
            }
        }
    }
    Ok(all)
}

/// The parameters of the site-model point closest to `site` (chord distance, km) and that
/// distance.
fn closest(site: &Site, model: &[ModelPoint]) -> Result<(SiteParams, f64), HazardError> {
    let xyz = to_cartesian(site.lon, site.lat, 0.0);
    model
        .iter()
        .map(|p| {
            let q = to_cartesian(p.site.lon, p.site.lat, p.site.depth);
            let d2: f64 = (0..3).map(|k| (xyz[k] - q[k]).powi(2)).sum();
            (p.params, d2.sqrt())
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .ok_or_else(|| invalid("empty site model"))
}

/// The parameters of the site-model point closest to `site`, within [`ASSOC_DIST`].
fn associate(site: &Site, model: &[ModelPoint]) -> Result<SiteParams, HazardError> {
    let (params, distance) = closest(site, model)?;
    if distance > ASSOC_DIST {
        return Err(invalid(format!(
            "there is nothing closer than {ASSOC_DIST} km to site ({} {})",
            site.lon, site.lat
        )));
    }
    Ok(params)
}

/// `site` with its coordinates rounded to 5 decimals.
fn rounded(site: Site) -> Site {
    Site {
        lon: round5(site.lon),
        lat: round5(site.lat),
        depth: site.depth,
    }
}

/// The grid of `region = lon lat, ...` with `region_grid_spacing` km, sorted by (lon, lat)
/// as OpenQuake's `Mesh.from_coords`.
fn region_sites(region: &str, spacing: f64) -> Result<Vec<Site>, HazardError> {
    let vertices: Vec<(f64, f64)> = parse_sites(region)?
        .iter()
        .map(|s| (s.lon, s.lat))
        .collect();
    let grid = region_grid(&vertices, spacing)
        .ok_or_else(|| unsupported("a region that is not a convex polygon"))?;
    if grid.is_empty() {
        return Err(invalid(format!(
            "could not discretize region with grid spacing {spacing}"
        )));
    }
    let mut sites: Vec<Site> = grid
        .into_iter()
        .map(|(lon, lat)| Site {
            lon,
            lat,
            depth: 0.0,
        })
        .collect();
    sort_sites(&mut sites);
    Ok(sites)
}

/// The sites of the job and their parameters, in OpenQuake's order.
pub fn read_sites(ini: &JobIni, base_dir: &Path) -> Result<JobSites, HazardError> {
    let reference = reference_params(ini)?;
    let site_model = read_site_model(ini, base_dir, reference)?;
    let model_points = site_model.as_ref().map(|t| t.points.as_slice());
    let spacing = number(ini, "region_grid_spacing")?;
    let (points, file) = if let Some(text) = ini.raw("sites") {
        let mut sites = parse_sites(text)?;
        sort_sites(&mut sites);
        let points = sites
            .into_iter()
            .map(|site| {
                let params = match model_points {
                    Some(model) => associate(&site, model)?,
                    None => reference,
                };
                Ok(ModelPoint { site, params })
            })
            .collect::<Result<Vec<_>, HazardError>>()?;
        (points, None)
    } else if let Some(spacing) = spacing {
        let region = ini
            .raw("region")
            .or_else(|| ini.raw("region_constraint"))
            .ok_or_else(|| unsupported("region_grid_spacing without region"))?;
        let points = region_sites(region, spacing)?
            .into_iter()
            .map(|site| {
                // OpenQuake associates the rounded sites to the closest point, however far
                let params = match model_points {
                    Some(model) => closest(&rounded(site), model)?.0,
                    None => reference,
                };
                Ok(ModelPoint { site, params })
            })
            .collect::<Result<Vec<_>, HazardError>>()?;
        (points, None)
    } else if let Some(file) = ini.raw("sites_csv") {
        if site_model.is_some() {
            return Err(invalid("sites_csv and site_model_file are exclusive"));
        }
        let mut table = read_site_csv(&base_dir.join(file.trim()), reference)?;
        if reference.vs30.is_some() {
            // OpenQuake prefers the job's parameters to the columns of sites_csv
            for p in &mut table.points {
                p.params = reference;
            }
            table.file.prefer_global = true;
        }
        (table.points, Some(table.file))
    } else if let Some(table) = site_model {
        (table.points, Some(table.file))
    } else {
        return Err(invalid("missing sites, sites_csv or site_model_file"));
    };
    let (sites, params) = points
        .into_iter()
        .map(|p| (rounded(p.site), p.params))
        .unzip();
    Ok(JobSites {
        sites,
        params,
        file,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_sort_like_python_tuples() {
        let mut sites = parse_sites("0.1 0.0, 0.0 0.2 1, 0.0 0.2, 0.0 -0.1").unwrap();
        sort_sites(&mut sites);
        let coords: Vec<_> = sites.iter().map(|s| (s.lon, s.lat, s.depth)).collect();
        assert_eq!(
            coords,
            [
                (0.0, -0.1, 0.0),
                (0.0, 0.2, 0.0),
                (0.0, 0.2, 1.0),
                (0.1, 0.0, 0.0)
            ]
        );
    }

    #[test]
    fn a_site_csv_keeps_its_columns_and_the_text_of_those_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("site_model.csv");
        std::fs::write(
            &path,
            "site_id,lon,lat,vs30,xvf,backarc,custom_site_id\n\
             0,1.0,2.0,760,-30,2,a1\n\
             1,1.5,2.0,400,15.5,0,b2\n",
        )
        .unwrap();
        let table = read_site_csv(&path, SiteParams::default()).unwrap();
        assert_eq!(
            table.file.columns,
            ["vs30", "xvf", "backarc", "custom_site_id"]
        );
        assert_eq!(
            table.file.other,
            [
                ("xvf".to_owned(), vec!["-30".to_owned(), "15.5".to_owned()]),
                (
                    "custom_site_id".to_owned(),
                    vec!["a1".to_owned(), "b2".to_owned()]
                )
            ]
        );
        let backarc: Vec<u8> = table.points.iter().map(|p| p.params.backarc).collect();
        assert_eq!(backarc, [2, 0]);

        std::fs::write(&path, "1.0,2.0\n0.5,2.0\n").unwrap();
        let table = read_site_csv(&path, SiteParams::default()).unwrap();
        assert_eq!(table.file.columns, ["depth"]);
        assert!(table.file.other.is_empty());
    }

    #[test]
    fn rounding_is_half_even_on_the_scaled_value() {
        assert_eq!(round5(15.123456), 15.12346);
        assert_eq!(round5(-0.000004), -0.0);
    }
}

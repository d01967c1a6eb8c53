//! `siteModel` -> [`SiteModel`].

use super::value::{LATITUDE, LONGITUDE, NON_NEGATIVE_OR_UNKNOWN, POSITIVE_OR_UNKNOWN};
use super::xml::Elem;
use crate::error::NodeResult;
use crate::site_model::{OTHER_SITE_PARAMETERS, Site, SiteModel, Vs30Type};

/// The site attributes read into fields of [`Site`].
const SITE_FIELDS: &[&str] = &["lon", "lat", "vs30", "vs30Type", "z1pt0", "z2pt5", "z1pt4"];

pub(crate) fn site_model(elem: Elem) -> NodeResult<SiteModel> {
    let sites = elem
        .children()
        .map(|child| {
            if child.tag() == "site" {
                site(child)
            } else {
                Err(child.error(format!(
                    "unexpected {} in a siteModel (expected site)",
                    child.tag()
                )))
            }
        })
        .collect::<NodeResult<_>>()?;
    Ok(SiteModel {
        sites,
        origin: elem.origin("siteModel"),
    })
}

fn site(elem: Elem) -> NodeResult<Site> {
    let mut other = Vec::new();
    for (name, value) in elem.attrs() {
        if OTHER_SITE_PARAMETERS.contains(&name) {
            other.push((name.to_owned(), value.to_owned()));
        } else if !SITE_FIELDS.contains(&name) {
            return Err(elem.error(format!("{name} is not a known site parameter")));
        }
    }
    Ok(Site {
        lon: elem.attr_as("lon", LONGITUDE)?,
        lat: elem.attr_as("lat", LATITUDE)?,
        vs30: elem.attr_as("vs30", POSITIVE_OR_UNKNOWN)?,
        vs30_type: elem.attr("vs30Type").map(|t| match t.trim() {
            "measured" => Vs30Type::Measured,
            _ => Vs30Type::Inferred,
        }),
        z1pt0: elem.opt_attr_as("z1pt0", NON_NEGATIVE_OR_UNKNOWN)?,
        z2pt5: elem.opt_attr_as("z2pt5", NON_NEGATIVE_OR_UNKNOWN)?,
        z1pt4: elem.opt_attr_as("z1pt4", NON_NEGATIVE_OR_UNKNOWN)?,
        other,
        origin: elem.origin("site"),
    })
}

//! The body of `GET /v1/ini_defaults`.

use super::params::{ALIASES, PARAMS, ParamDefault, lookup};

/// The body of `GET /v1/ini_defaults`, byte for byte as OpenQuake 3.26.2 answers it: every
/// parameter with a default that is not NaN, by name, then the old names still answering
/// for one (`individual_curves`, `max_hazard_curves`); compact `json.dumps` separators and
/// the bare token `Infinity` for `extreme_gmv`.
pub fn ini_defaults_json() -> String {
    let mut names: Vec<&str> = Vec::new();
    let mut body = String::from("{");
    let aliases = ALIASES
        .iter()
        .filter_map(|(old, new)| Some((*old, lookup(new)?)));
    for (name, param) in PARAMS.iter().map(|p| (p.name, p)).chain(aliases) {
        let ParamDefault::Json(json) = param.default else {
            continue;
        };
        if names.contains(&name) {
            continue;
        }
        if !names.is_empty() {
            body.push_str(", ");
        }
        names.push(name);
        body.push('"');
        body.push_str(name);
        body.push_str("\": ");
        body.push_str(json);
    }
    body.push('}');
    body
}

#[cfg(test)]
mod tests {
    use super::ini_defaults_json;

    const FIXTURE: &str = include_str!("../../../../tests/data/oq-3.26/GET_ini_defaults.json");

    /// Parses JSON that may hold the bare token `Infinity` (as a string sentinel).
    fn parse(json: &str) -> serde_json::Value {
        serde_json::from_str(&json.replace("Infinity", "\"<Infinity>\"")).unwrap()
    }

    #[test]
    fn equals_the_reference_answer() {
        let body = ini_defaults_json();
        let ours = parse(&body);
        let fixture = parse(FIXTURE);
        assert_eq!(ours, fixture);
        // same keys in the same order (serde_json keeps insertion order)
        let keys =
            |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&ours), keys(&fixture));
        assert_eq!(keys(&ours).len(), 154);
        assert!(
            body.contains("\"extreme_gmv\": {\"default\": Infinity}, \"floating_x_step\": 0, ")
        );
    }

    #[test]
    fn compact_python_separators() {
        let body = ini_defaults_json();
        assert!(body.starts_with("{\"aggregate_by\": [], \"aggregate_exposure\": false, "));
        assert!(body.ends_with(", \"individual_curves\": null, \"max_hazard_curves\": false}"));
        assert!(!body.contains('\n') && !body.contains(",\"") && !body.contains("\":\""));
        assert!(body.contains("\"max_data_transfer\": 200000000000.0"));
        assert!(body.contains("\"disagg_outputs\": [\"Mag\", \"Dist\", \"Mag_Dist\""));
    }
}

//! Fetching the arrays of the requested kinds, and naming the kinds a calculation has when
//! one is missing.
//!
//! Realizations and statistics are fetched by separate extract requests (a server may refuse
//! to mix them), and every requested kind is checked against the members returned, since the
//! reference server silently drops kinds it does not know.

use crate::npz::{Npy, NpzFile};
use crate::spec::Family;
use crate::{ExtractSource, PlotError};

/// Members of an extract that echo the query rather than hold data.
const ECHOES: &[&str] = &["kind", "k", "rlzs", "imt", "site_id", "extra"];

/// One kind's array: its name (`mean`, `quantile-0.15`, `rlz-000`) and values.
pub type Series = (String, Npy);

fn is_rlz(kind: &str) -> bool {
    kind == "rlzs" || kind.starts_with("rlz-")
}

/// Whether member `member` is what `kind` asked for (`rlz-1` is member `rlz-001`).
fn matches(kind: &str, member: &str) -> bool {
    match (kind, member) {
        ("stats", m) => !is_rlz(m),
        ("rlzs", m) => is_rlz(m),
        (k, m) if k == m => true,
        (k, m) => match (k.strip_prefix("rlz-"), m.strip_prefix("rlz-")) {
            (Some(a), Some(b)) => {
                matches!((a.parse::<u64>(), b.parse::<u64>()), (Ok(a), Ok(b)) if a == b)
            }
            _ => false,
        },
    }
}

/// The data members of an extract, sorted.
fn data_members(npz: NpzFile) -> Vec<Series> {
    npz.into_arrays()
        .filter(|(name, _)| !ECHOES.contains(&name.as_str()))
        .collect()
}

/// The arrays of `kinds` of `family` with the extra query `params`, in the order asked
/// (`stats` and `rlzs` expand to every statistic or realization).
pub async fn fetch(
    source: &dyn ExtractSource,
    family: Family,
    kinds: &[String],
    params: &[(String, String)],
) -> Result<Vec<Series>, PlotError> {
    let mut members: Vec<Series> = Vec::new();
    for rlz_group in [false, true] {
        let group: Vec<&String> = kinds.iter().filter(|k| is_rlz(k) == rlz_group).collect();
        if group.is_empty() {
            continue;
        }
        let mut query: Vec<(String, String)> = group
            .iter()
            .map(|kind| ("kind".to_owned(), (*kind).clone()))
            .collect();
        query.extend(params.iter().cloned());
        match source.extract(family.what(), &query).await {
            Ok(bytes) => members.extend(data_members(NpzFile::read(&bytes)?)),
            Err(refused) => {
                // the server may refuse a kind it lacks (oqcloud does, with a 400)
                let available = available(source, family, params).await;
                if let Some(kind) = group
                    .iter()
                    .find(|k| !available.iter().any(|m| matches(k, m)))
                {
                    return Err(missing(family, kind, &available));
                }
                return Err(refused);
            }
        }
    }
    let mut out: Vec<Series> = Vec::new();
    for kind in kinds {
        let found: Vec<&Series> = members.iter().filter(|(m, _)| matches(kind, m)).collect();
        if found.is_empty() {
            let available = available(source, family, params).await;
            return Err(missing(family, kind, &available));
        }
        for (name, array) in found {
            if !out.iter().any(|(n, _)| n == name) {
                out.push((name.clone(), array.clone()));
            }
        }
    }
    Ok(out)
}

/// The kinds of `family` the calculation has: its statistics, then its realizations.
async fn available(
    source: &dyn ExtractSource,
    family: Family,
    params: &[(String, String)],
) -> Vec<String> {
    let mut names = Vec::new();
    for kind in ["stats", "rlzs"] {
        let mut query = vec![("kind".to_owned(), kind.to_owned())];
        query.extend(params.iter().cloned());
        // a refusal here means the calculation has none of them
        if let Ok(npz) = source
            .extract(family.what(), &query)
            .await
            .and_then(|bytes| NpzFile::read(&bytes))
        {
            names.extend(data_members(npz).into_iter().map(|(name, _)| name));
        }
    }
    names
}

fn missing(family: Family, kind: &str, available: &[String]) -> PlotError {
    let what = match kind {
        "stats" => "no statistics".to_owned(),
        "rlzs" => "no individual realizations stored".to_owned(),
        kind => format!("no kind '{kind}'"),
    };
    let has = if available.is_empty() {
        "none".to_owned()
    } else {
        available.join(", ")
    };
    PlotError::Spec(format!(
        "{}: the calculation has {what}; the kinds it has: {has}",
        family.what()
    ))
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn kinds_match_their_members() {
        assert!(matches("rlz-1", "rlz-001"));
        assert!(matches("rlzs", "rlz-000"));
        assert!(matches("stats", "quantile-0.15"));
        assert!(matches("mean", "mean"));
        assert!(!matches("stats", "rlz-000"));
        assert!(!matches("rlz-2", "rlz-001"));
        assert!(!matches("quantile-0.5", "quantile-0.15"));
    }
}

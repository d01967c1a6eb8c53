//! The known job.ini parameters (the generated [`table`](super::table)) and their
//! validators: each turns the raw text into a [`Typed`] value or fails with OpenQuake's
//! wording of the problem.

use super::imt;
use super::value::{Py, float_repr, literal_eval, py_float, py_int, py_split, py_strip, str_repr};

pub(crate) use super::table::{
    ALIASES, DISAGG_OUTPUTS, IMT_NAMES, KNOWN_INPUTS, PARAMS, RENAMED_PERILS, SECONDARY_PERILS,
};

/// Most levels the `logscale`/`linscale` calls of one value may generate together (an
/// oqcloud bound against huge inputs).
const MAX_LEVELS: i64 = 100_000;

/// The oqcloud extension choosing the engine that runs the job.
pub(crate) const ENGINE: Param = Param {
    name: "engine",
    kind: Kind::Choice(&["auto", "native", "openquake"]),
    py_name: "Choice('auto', 'native', 'openquake')",
    none_or: false,
    default: ParamDefault::Json("\"auto\""),
};

/// One declared parameter.
#[derive(Debug)]
pub(crate) struct Param {
    pub name: &'static str,
    pub kind: Kind,
    /// The validator's Python `__name__`, quoted in "could not convert to ..." messages.
    pub py_name: &'static str,
    /// An empty value means "not set" (`None`).
    pub none_or: bool,
    pub default: ParamDefault,
}

/// A parameter's default value.
#[derive(Debug)]
pub(crate) enum ParamDefault {
    /// No default: reading the parameter when unset is an error in OpenQuake.
    Required,
    /// NaN (omitted from `/v1/ini_defaults`).
    NaN,
    /// The default as Python's `json.dumps` writes it.
    Json(&'static str),
}

/// Characters accepted by an ID validator (OpenQuake's `SimpleId`).
#[derive(Debug)]
pub(crate) enum IdPattern {
    /// `^[\w_\-:]+$`
    Word,
    /// `^[A-Z]+$`
    Upper,
    /// `[\w_]+\.[\w_]+` at the start: `module.function`
    ModFunc,
    /// starts with one of the characters safe in file names
    Nice,
}

/// The validator of a parameter.
#[derive(Debug)]
pub(crate) enum Kind {
    PositiveFloat,
    PositiveInt,
    NonzeroPositiveInt,
    Boolean,
    Int,
    Str,
    Dict,
    Utf8,
    Utf8NotEmpty,
    NameList,
    NameLists,
    Base64Names,
    Probabilities,
    PositiveFloats,
    PositiveFloatOrSentinel,
    PositiveInts,
    FloatDict,
    Dictionary,
    Uint8Dict,
    ListOfDict,
    Coordinates,
    WktPolygon,
    Imt,
    Imts,
    Imtls,
    DisaggOutputs,
    SecondaryPerils,
    Version,
    TileSpec,
    Calculation,
    MaximumDistance,
    TruncationLevel,
    LocalTimestamp,
    Choice(&'static [&'static str]),
    Choices(&'static [&'static str]),
    SimpleId {
        max_len: usize,
        pattern: IdPattern,
        regex: &'static str,
    },
}

/// A validated value, as much of it as the cross-parameter checks need.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Typed {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Floats(Vec<f64>),
    Names(Vec<String>),
    /// IMT → levels, IMTs normalised.
    Imtls(Vec<(String, Vec<f64>)>),
    Dict(Vec<(Py, Py)>),
    Version([i64; 3]),
    /// A list known by its length.
    List(usize),
    /// Anything else, by its truth value.
    Other(bool),
}

impl Typed {
    /// Python's truth value of the converted value.
    pub(crate) fn truthy(&self) -> bool {
        match self {
            Typed::None => false,
            Typed::Bool(b) | Typed::Other(b) => *b,
            Typed::Int(i) => *i != 0,
            Typed::Float(f) => *f != 0.0,
            Typed::Str(s) => !s.is_empty(),
            Typed::Floats(v) => !v.is_empty(),
            Typed::Names(v) => !v.is_empty(),
            Typed::Imtls(v) => !v.is_empty(),
            Typed::Dict(v) => !v.is_empty(),
            Typed::Version(_) => true,
            Typed::List(n) => *n > 0,
        }
    }

    /// The value of a default written as JSON (only its shape matters for arrays/objects).
    pub(crate) fn from_default(json: &str) -> Typed {
        match json {
            "null" => Typed::None,
            "true" => Typed::Bool(true),
            "false" => Typed::Bool(false),
            "[]" | "{}" => Typed::Other(false),
            j if j.starts_with('[') || j.starts_with('{') => Typed::Other(true),
            j if j.starts_with('"') => Typed::Str(serde_json::from_str(j).unwrap_or_default()),
            j => match j.parse::<i64>() {
                Ok(i) => Typed::Int(i),
                Err(_) => j.parse::<f64>().map_or(Typed::Other(true), Typed::Float),
            },
        }
    }
}

/// The declared parameter called `name`.
pub(crate) fn lookup(name: &str) -> Option<&'static Param> {
    PARAMS
        .binary_search_by(|p| p.name.cmp(name))
        .ok()
        .map(|i| &PARAMS[i])
}

impl Param {
    /// Validates `raw`; the error is OpenQuake's full message
    /// (`<reason>: could not convert to <validator>: <name>=<raw>`).
    pub(crate) fn convert(&self, raw: &str) -> Result<Typed, String> {
        if self.none_or && raw.is_empty() {
            return Ok(Typed::None);
        }
        self.kind.convert(raw).map_err(|e| {
            format!(
                "{e}: could not convert to {}: {}={raw}",
                self.py_name, self.name
            )
        })
    }
}

fn not_empty(value: &str) -> Result<&str, String> {
    if py_strip(value).is_empty() {
        Err("Got an empty string".into())
    } else {
        Ok(value)
    }
}

fn positive_float(value: &str) -> Result<f64, String> {
    let f = py_float(not_empty(value)?)?;
    if f < 0.0 {
        return Err(format!("float {} < 0", float_repr(f)));
    }
    Ok(f)
}

fn positive_int(value: &str) -> Result<i64, String> {
    let val = value.to_lowercase();
    match val.as_str() {
        "true" => return Ok(1),
        "false" => return Ok(0),
        _ => {}
    }
    let i = py_int(not_empty(&val)?)?;
    if i < 0 {
        return Err(format!("integer {i} < 0"));
    }
    Ok(i)
}

/// Python's `float(value)` error for a non-numeric token, as OpenQuake's `float_` words it.
fn float_token(value: &str) -> Result<f64, String> {
    py_float(value).map_err(|_| format!("'{value}' is not a float"))
}

/// OpenQuake's `source_id` check of one name.
fn source_id(name: &str) -> bool {
    name.is_ascii()
        && name.len() <= 75
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b':'))
}

fn simple_id(
    value: &str,
    max_len: usize,
    pattern: &IdPattern,
    regex: &str,
) -> Result<String, String> {
    if value.is_empty() {
        return Err("Invalid ID: can not be empty".into());
    }
    if !value.is_ascii() {
        return Err(format!(
            "Invalid ID {}: the only accepted chars are {regex}",
            str_repr(value)
        ));
    }
    if value.len() > max_len {
        return Err(format!(
            "The ID '{value}' is longer than {max_len} character"
        ));
    }
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let ok = match pattern {
        IdPattern::Word => value.bytes().all(|b| word(b) || b == b'-' || b == b':'),
        IdPattern::Upper => value.bytes().all(|b| b.is_ascii_uppercase()),
        IdPattern::ModFunc => {
            let head = value.bytes().take_while(|&b| word(b)).count();
            head > 0
                && value[head..].starts_with('.')
                && value.as_bytes().get(head + 1).is_some_and(|&b| word(b))
        }
        IdPattern::Nice => value
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b".`!#$%()+/,;@[]^_{|}~-".contains(&b)),
    };
    if ok {
        Ok(value.to_string())
    } else {
        Err(format!(
            "Invalid ID '{value}': the only accepted chars are {regex}"
        ))
    }
}

/// OpenQuake's `coordinates`: `lon lat [depth]` points separated by commas, no duplicates.
fn coordinates(value: &str) -> Result<usize, String> {
    if py_strip(value).is_empty() {
        return Err(format!("Empty list of coordinates: {}", str_repr(value)));
    }
    let mut seen = std::collections::HashSet::new();
    let mut count = 0;
    for (i, point) in value.split(',').enumerate() {
        let coords: Vec<&str> = py_split(point).collect();
        if !(2..=3).contains(&coords.len()) {
            return Err(format!("Invalid point format: {point}"));
        }
        let lon = round5(float_token(coords[0])?);
        if lon > 180.0 {
            return Err(format!("longitude {} > 180", float_repr(lon)));
        } else if lon < -180.0 {
            return Err(format!("longitude {} < -180", float_repr(lon)));
        }
        let lat = round5(float_token(coords[1])?);
        if lat > 90.0 {
            return Err(format!("latitude {} > 90", float_repr(lat)));
        } else if lat < -90.0 {
            return Err(format!("latitude {} < -90", float_repr(lat)));
        }
        if let Some(depth) = coords.get(2) {
            float_token(depth)?;
        }
        if !lon.is_nan()
            && !lat.is_nan()
            && !seen.insert(((lon + 0.0).to_bits(), (lat + 0.0).to_bits()))
        {
            return Err(format!("Found overlapping site #{}, {point}", i + 1));
        }
        count += 1;
    }
    Ok(count)
}

/// Python's `round(x, 5)`.
fn round5(x: f64) -> f64 {
    if x.is_finite() {
        format!("{x:.5}").parse().unwrap_or(x)
    } else {
        x
    }
}

/// `logscale(a, b, n)` / `linscale(a, b, n)` as OpenQuake computes them.
fn scale(func: &str, args: &[Py]) -> Result<Vec<f64>, String> {
    let [x_min, x_max, n] = args else {
        return Err(format!(
            "{func}() takes 3 positional arguments but {} were given",
            args.len()
        ));
    };
    let n = match n {
        Py::Int(n) if *n > 0 => *n,
        Py::Bool(true) => 1,
        other => {
            return Err(format!(
                "n must be a positive integer, got {}",
                py_str(other)
            ));
        }
    };
    let (Some(lo), Some(hi)) = (x_min.number(), x_max.number()) else {
        return Err(format!("{func}() arguments must be numbers"));
    };
    if lo <= 0.0 {
        return Err(format!("x_min must be positive, got {}", py_str(x_min)));
    }
    if hi <= lo {
        return Err(format!(
            "x_max ({}) must be bigger than x_min ({})",
            py_str(x_max),
            py_str(x_min)
        ));
    }
    if n > MAX_LEVELS {
        return Err(format!("n must be at most {MAX_LEVELS}, got {n}"));
    }
    let div = (n - 1) as f64;
    Ok(if func == "logscale" {
        let delta = (hi / lo).ln();
        (0..n)
            .map(|i| (delta * i as f64 / div).exp() * lo)
            .collect()
    } else {
        let step = (hi - lo) / div;
        let mut v: Vec<f64> = (0..n).map(|i| i as f64 * step + lo).collect();
        match v.last_mut() {
            Some(last) if n > 1 => *last = hi,
            _ => v = vec![lo],
        }
        v
    })
}

/// Python's `str()` of a literal (strings without quotes).
pub(crate) fn py_str(value: &Py) -> String {
    match value {
        Py::Str(s) => s.clone(),
        other => other.repr(),
    }
}

/// OpenQuake's `dictionary`: a Python dict literal, `logscale(...)`/`linscale(...)` values
/// expanded (at most [`MAX_LEVELS`] levels in all).
fn dictionary(value: &str) -> Result<Vec<(Py, Py)>, String> {
    if value.is_empty() {
        return Ok(vec![]);
    }
    let text = value
        .replace("logscale(", "(\"logscale\", ")
        .replace("linscale(", "(\"linscale\", ");
    let mut dict = literal_eval(&text)
        .and_then(Py::into_dict)
        .map_err(|_| format!("{} is not a valid Python dictionary", str_repr(&text)))?;
    let mut generated = 0;
    for (_, val) in &mut dict {
        if let Py::Tuple(items) = val {
            match items.first() {
                None => return Err("tuple index out of range".into()),
                Some(Py::Str(f)) if f == "logscale" || f == "linscale" => {
                    let levels = scale(f, &items[1..])?;
                    generated += levels.len();
                    if generated > MAX_LEVELS as usize {
                        return Err(format!(
                            "the logscale/linscale levels add up to more than {MAX_LEVELS}"
                        ));
                    }
                    *val = Py::List(levels.into_iter().map(Py::Float).collect());
                }
                Some(_) => {}
            }
        }
    }
    Ok(dict)
}

/// OpenQuake's `check_levels` (plus oqcloud's rule that levels are positive, a leading 0
/// being OpenQuake's "cut-off" level).
fn check_levels(imls: &Py, imt: &str) -> Result<Vec<f64>, String> {
    let items = match imls {
        Py::List(items) => items,
        Py::Tuple(v) | Py::Set(v) if v.is_empty() => {
            return Err(format!("No imls for {imt}: {}", imls.repr()));
        }
        Py::Str(s) if s.is_empty() => return Err(format!("No imls for {imt}: ")),
        Py::Dict(d) if d.is_empty() => return Err(format!("No imls for {imt}: {{}}")),
        Py::Tuple(_) | Py::Set(_) | Py::Str(_) | Py::Dict(_) => {
            return Err(format!(
                "The imls for {imt} are not sorted: {}",
                py_str(imls)
            ));
        }
        other => {
            return Err(format!(
                "object of type '{}' has no len()",
                other.type_name()
            ));
        }
    };
    let mut levels = Vec::with_capacity(items.len());
    for item in items {
        match item.number() {
            Some(f) => levels.push(f),
            None => {
                return Err(format!(
                    "'<' not supported between instances of '{}' and 'float'",
                    item.type_name()
                ));
            }
        }
    }
    if levels == [0.0] {
        return Ok(levels);
    }
    if levels.is_empty() {
        return Err(format!("No imls for {imt}: []"));
    }
    if levels.windows(2).any(|w| w[0] > w[1]) {
        return Err(format!(
            "The imls for {imt} are not sorted: {}",
            imls.repr()
        ));
    }
    if levels.windows(2).any(|w| w[0] == w[1]) {
        return Err(format!(
            "Found duplicated levels for {imt}: {}",
            imls.repr()
        ));
    }
    if levels[0] == 0.0 {
        if levels[1] <= 1e-10 {
            return Err(format!(
                "The min_iml {imt}=1e-10 is larger than the second level for {}",
                imls.repr()
            ));
        }
        levels[0] = 1e-10;
    }
    if levels.iter().any(|l| !(l.is_finite() && *l > 0.0)) {
        return Err(format!(
            "The imls for {imt} must be positive: {}",
            imls.repr()
        ));
    }
    Ok(levels)
}

/// OpenQuake's `intensity_measure_types_and_levels`.
fn imtls(value: &str) -> Result<Vec<(String, Vec<f64>)>, String> {
    let mut out: Vec<(String, Vec<f64>)> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for (key, imls) in dictionary(value)? {
        let Py::Str(name) = key else {
            return Err(format!(
                "expected string or bytes-like object, got '{}'",
                key.type_name()
            ));
        };
        let normal = imt::normalize(&name)?;
        let levels = check_levels(&imls, &name)?;
        match index.get(&normal) {
            Some(&at) => out[at] = (normal, levels),
            None => {
                index.insert(normal.clone(), out.len());
                out.push((normal, levels));
            }
        }
    }
    Ok(out)
}

/// OpenQuake's `floatdict`, stricter: the value must be a number, a list or a dict whose
/// values are numbers or lists.
fn float_dict(value: &str) -> Result<Vec<(Py, Py)>, String> {
    let parsed = literal_eval(value)?;
    let dict = match parsed {
        Py::Int(_) | Py::Float(_) | Py::Bool(_) | Py::List(_) => {
            vec![(Py::Str("default".into()), parsed)]
        }
        Py::Dict(d) => d,
        other => return Err(format!("{} is not a number or a dictionary", other.repr())),
    };
    for (key, val) in &dict {
        if !matches!(
            val,
            Py::Int(_) | Py::Float(_) | Py::Bool(_) | Py::List(_) | Py::Tuple(_)
        ) {
            return Err(format!("{}: {} is not a number", py_str(key), val.repr()));
        }
    }
    Ok(dict)
}

/// OpenQuake's `IntegrationDistance.new`: a distance, or magnitude/distance pairs, per
/// tectonic region type.
fn maximum_distance(value: &str) -> Result<Vec<(Py, Py)>, String> {
    if value == "magdist" {
        return Ok(vec![(Py::Str("default".into()), Py::Str("magdist".into()))]);
    }
    let parsed = literal_eval(value)?;
    let dict = match parsed {
        Py::Int(_) | Py::Float(_) | Py::Bool(_) | Py::List(_) => {
            vec![(Py::Str("default".into()), parsed)]
        }
        Py::Dict(d) => d,
        other => {
            return Err(format!(
                "'{}' object has no attribute 'items'",
                other.type_name()
            ));
        }
    };
    for (_, items) in &dict {
        match items {
            Py::List(pairs) => {
                let mut mag_dists = Vec::with_capacity(pairs.len());
                let mut mags = Vec::with_capacity(pairs.len());
                for pair in pairs {
                    let (Py::List(md) | Py::Tuple(md)) = pair else {
                        return Err(format!("'{}' object is not iterable", pair.type_name()));
                    };
                    match md.as_slice() {
                        [mag, d] => match (mag.number(), d.number()) {
                            (Some(m), Some(d)) => {
                                mag_dists.push((m, d));
                                mags.push(mag);
                            }
                            _ => {
                                return Err(format!(
                                    "{} is not a (magnitude, distance) pair",
                                    pair.repr()
                                ));
                            }
                        },
                        _ => {
                            return Err(format!(
                                "{} is not a (magnitude, distance) pair",
                                pair.repr()
                            ));
                        }
                    }
                }
                let repr = || {
                    let tuples: Vec<Py> = pairs
                        .iter()
                        .map(|p| match p {
                            Py::List(v) => Py::Tuple(v.clone()),
                            other => other.clone(),
                        })
                        .collect();
                    Py::List(tuples).repr()
                };
                if mag_dists.windows(2).any(|w| w[0] > w[1]) {
                    return Err(format!("{} is not ordered", repr()));
                }
                if mag_dists.windows(2).any(|w| w[0] == w[1]) {
                    return Err(format!("Found duplicates in {}", repr()));
                }
                if let Some(mag) = mags
                    .iter()
                    .find(|m| !m.number().is_some_and(|m| (2.5..=10.2).contains(&m)))
                {
                    return Err(format!("Invalid magnitude {}", mag.repr()));
                }
            }
            other => match other.number() {
                Some(d) if d >= 0.0 => {}
                Some(_) => return Err(format!("distance {} < 0", other.repr())),
                None => {
                    return Err(format!(
                        "'>=' not supported between instances of '{}' and 'int'",
                        other.type_name()
                    ));
                }
            },
        }
    }
    Ok(dict)
}

const LOCAL_TIMESTAMP: &str = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2})$";

/// `YYYY-MM-DD hh:mm:ss+hh:mm`.
fn local_timestamp(value: &str) -> bool {
    let b = value.as_bytes();
    let shape = b"dddd-dd-dd dd:dd:dd+dd:dd";
    b.len() == shape.len()
        && b.iter().zip(shape).all(|(&c, &s)| match s {
            b'd' => c.is_ascii_digit(),
            b'+' => c == b'+' || c == b'-',
            s => c == s,
        })
}

impl Kind {
    /// Validates `value` (the raw text); the error is the validator's own message.
    pub(crate) fn convert(&self, value: &str) -> Result<Typed, String> {
        Ok(match self {
            Kind::PositiveFloat => Typed::Float(positive_float(value)?),
            Kind::TruncationLevel => {
                let f = positive_float(value)?;
                Typed::Float(if f == 0.0 { 1e-9 } else { f })
            }
            Kind::PositiveFloatOrSentinel => {
                let f = py_float(not_empty(value)?)?;
                if f < 0.0 && f != -999.0 {
                    return Err(format!("float {} < 0 or not equal to -999", float_repr(f)));
                }
                Typed::Float(f)
            }
            Kind::PositiveInt => Typed::Int(positive_int(value)?),
            Kind::NonzeroPositiveInt => {
                let i = positive_int(value)?;
                if i == 0 {
                    return Err("'0' is zero".into());
                }
                Typed::Int(i)
            }
            Kind::Int => Typed::Int(py_int(value)?),
            Kind::Boolean => {
                let v = py_strip(value).to_lowercase();
                match v.as_str() {
                    "" | "0" | "false" => Typed::Bool(false),
                    "1" | "true" => Typed::Bool(true),
                    _ => return Err(format!("Not a boolean: {v}")),
                }
            }
            Kind::Str | Kind::Utf8 => Typed::Str(value.to_string()),
            Kind::Utf8NotEmpty => Typed::Str(not_empty(value)?.to_string()),
            // OpenQuake fills `inputs` from the `*_file` keys and breaks if it is set
            Kind::Dict => return Err("the inputs are given by the *_file parameters".into()),
            Kind::NameList => {
                let names: Vec<String> = py_split(&value.replace(',', " "))
                    .map(str::to_string)
                    .collect();
                if let Some(bad) = names.iter().find(|n| !source_id(n)) {
                    return Err(format!("List of names containing an invalid name: {bad}"));
                }
                Typed::Names(names)
            }
            Kind::NameLists => {
                for group in value.split(';') {
                    if let Some(bad) = py_split(&group.replace(',', " ")).find(|n| !source_id(n)) {
                        return Err(format!("Invalid name: {bad}"));
                    }
                }
                Typed::Other(true)
            }
            Kind::Base64Names => {
                let names: Vec<String> = py_split(value).map(str::to_string).collect();
                for name in &names {
                    if name.chars().count() > 8 {
                        return Err(format!("{name} is longer than 8 characters"));
                    }
                    if !name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                    {
                        return Err(format!(
                            "List of names containing an invalid name: {}",
                            str_repr(name)
                        ));
                    }
                }
                Typed::Names(names)
            }
            Kind::Probabilities => {
                let cleaned = value.replace(['[', ']'], "").replace(',', " ");
                let mut probs = Vec::new();
                for token in py_split(&cleaned) {
                    let f = float_token(token)?;
                    if f > 1.0 {
                        return Err(format!(" {} is bigger than the maximum (1)", float_repr(f)));
                    }
                    if f < 0.0 {
                        return Err(format!(
                            " {} is smaller than the minimum (0)",
                            float_repr(f)
                        ));
                    }
                    probs.push(f);
                }
                Typed::Floats(probs)
            }
            Kind::PositiveFloats => Typed::Floats(
                py_split(value.trim_matches(['[', ']']))
                    .map(positive_float)
                    .collect::<Result<_, _>>()?,
            ),
            Kind::PositiveInts => {
                if value.contains('.') {
                    return Err(format!("There are decimal points in {value}"));
                }
                let cleaned = value.trim_matches(['[', ']']).replace(',', " ");
                let not_ints = || format!("Not a list of integers: {}", str_repr(value));
                let mut ints = Vec::new();
                for token in py_split(&cleaned) {
                    let f = py_float(token).map_err(|_| not_ints())?;
                    if !f.is_finite() {
                        return Err(not_ints());
                    }
                    ints.push(f.trunc());
                }
                if ints.is_empty() {
                    return Err(not_ints());
                }
                if let Some(neg) = ints.iter().find(|i| **i < 0.0) {
                    return Err(format!("{neg} is negative in {}", str_repr(value)));
                }
                Typed::Other(true)
            }
            Kind::FloatDict => Typed::Dict(float_dict(value)?),
            Kind::Dictionary => Typed::Dict(dictionary(value)?),
            Kind::Uint8Dict => {
                if value.is_empty() {
                    return Ok(Typed::Dict(vec![]));
                }
                let dict = literal_eval(value)
                    .and_then(Py::into_dict)
                    .map_err(|_| format!("{} is not a valid Python dictionary", str_repr(value)))?;
                for (key, val) in &dict {
                    let n = match val {
                        Py::Int(i) => *i,
                        Py::Bool(b) => i64::from(*b),
                        other => {
                            return Err(format!(
                                "{} must be integer, got {}",
                                py_str(key),
                                py_str(other)
                            ));
                        }
                    };
                    if !(1..=255).contains(&n) {
                        return Err(format!(
                            "{} must be in the range 1-255, got {}",
                            py_str(key),
                            py_str(val)
                        ));
                    }
                }
                Typed::Dict(dict)
            }
            Kind::ListOfDict => match serde_json::from_str(value).map_err(|e| e.to_string())? {
                serde_json::Value::Array(items)
                    if items.iter().all(serde_json::Value::is_object) =>
                {
                    Typed::List(items.len())
                }
                serde_json::Value::Null | serde_json::Value::Bool(false) => Typed::List(0),
                serde_json::Value::Object(o) if o.is_empty() => Typed::List(0),
                serde_json::Value::String(s) if s.is_empty() => Typed::List(0),
                serde_json::Value::Number(n) if n.as_f64() == Some(0.0) => Typed::List(0),
                _ => return Err(format!("{value} is not a list of dictionaries")),
            },
            Kind::Coordinates => Typed::List(coordinates(value)?),
            Kind::WktPolygon => Typed::Other(coordinates(value)? > 0),
            Kind::Imt => {
                Typed::Str(imt::normalize(value).map_err(|_| format!("Invalid IMT: '{value}'"))?)
            }
            Kind::Imts => {
                if value.is_empty() {
                    return Ok(Typed::Names(vec![]));
                }
                let mut imts: Vec<String> = Vec::new();
                let mut seen = std::collections::HashSet::new();
                for chunk in value.split(',') {
                    let normal = imt::normalize(py_strip(chunk))?;
                    if !seen.insert(normal.clone()) {
                        return Err(format!("Duplicated IMTs in {value}"));
                    }
                    imts.push(normal);
                }
                Typed::Names(imts)
            }
            Kind::Imtls => Typed::Imtls(imtls(value)?),
            Kind::DisaggOutputs => {
                let outs: Vec<String> = py_split(&value.replace(',', " "))
                    .map(str::to_string)
                    .collect();
                if let Some(bad) = outs.iter().find(|o| !DISAGG_OUTPUTS.contains(&o.as_str())) {
                    return Err(format!("Invalid disagg output: {bad}"));
                }
                Typed::Names(outs)
            }
            Kind::SecondaryPerils => {
                let Typed::Names(names) = Kind::NameList.convert(value)? else {
                    return Ok(Typed::Names(vec![]));
                };
                for name in &names {
                    if let Some((_, new)) = RENAMED_PERILS.iter().find(|(old, _)| old == name) {
                        return Err(format!("{name} has been replaced with {new}"));
                    }
                    if !SECONDARY_PERILS.contains(&name.as_str()) {
                        return Err(format!(
                            "module 'openquake.sep.classes' has no attribute '{name}'"
                        ));
                    }
                }
                Typed::Names(names)
            }
            Kind::Version => {
                let mut version = [0; 3];
                for (i, number) in value.split('.').enumerate() {
                    if number.contains("git") {
                        continue;
                    }
                    let n = py_int(number)?;
                    *version
                        .get_mut(i)
                        .ok_or("list assignment index out of range")? = n;
                }
                Typed::Version(version)
            }
            Kind::TileSpec => {
                let (Py::List(v) | Py::Tuple(v)) = literal_eval(value)? else {
                    return Err("tile_spec must be written [tile_no, num_tiles]".into());
                };
                let [no, tiles] = v.as_slice() else {
                    return Err(format!(
                        "not enough or too many values to unpack (expected 2, got {})",
                        v.len()
                    ));
                };
                let (Some(n), Some(t)) = (no.number(), tiles.number()) else {
                    return Err("tile_spec must hold two numbers".into());
                };
                if t <= 0.0 {
                    return Err(py_str(tiles));
                }
                if n <= 0.0 || n > t {
                    return Err(py_str(no));
                }
                Typed::Other(true)
            }
            Kind::Calculation => match py_int(value) {
                Ok(id) => Typed::Int(id),
                Err(_) if value.ends_with(".ini") || value.ends_with(".hdf5") => {
                    Typed::Str(value.to_string())
                }
                Err(_) => return Err(value.to_string()),
            },
            Kind::MaximumDistance => Typed::Dict(maximum_distance(value)?),
            Kind::LocalTimestamp => {
                if !local_timestamp(value) {
                    return Err(format!(
                        "'{value}' does not match the regex '{LOCAL_TIMESTAMP}'"
                    ));
                }
                Typed::Str(value.to_string())
            }
            Kind::Choice(choices) => {
                if !choices.contains(&value) {
                    return Err(format!("Got '{value}', expected {}", choices.join("|")));
                }
                Typed::Str(value.to_string())
            }
            Kind::Choices(choices) => {
                let lower = value.to_lowercase();
                let mut picked = Vec::new();
                for val in lower.split(',') {
                    if !choices.contains(&val) {
                        let all: Vec<String> = choices.iter().map(|c| str_repr(c)).collect();
                        return Err(format!(
                            "'{val}' is not a valid choice in ({})",
                            all.join(", ")
                        ));
                    }
                    picked.push(val.to_string());
                }
                Typed::Names(picked)
            }
            Kind::SimpleId {
                max_len,
                pattern,
                regex,
            } => Typed::Str(simple_id(value, *max_len, pattern, regex)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(name: &str, raw: &str) -> String {
        lookup(name).unwrap().convert(raw).unwrap_err()
    }

    fn ok(name: &str, raw: &str) -> Typed {
        lookup(name).unwrap().convert(raw).unwrap()
    }

    #[test]
    fn table_is_sorted_and_complete() {
        assert!(PARAMS.windows(2).all(|w| w[0].name < w[1].name));
        assert_eq!(PARAMS.len(), 163);
        let modes = lookup("calculation_mode").unwrap();
        let expected = "classical_risk|classical_damage|classical|custom|event_based|scenario|\
                        post_risk|ebrisk|scenario_risk|event_based_risk|disaggregation|multi_risk|\
                        classical_bcr|preclassical|event_based_damage|scenario_damage|workflow";
        assert!(matches!(modes.kind, Kind::Choice(c) if c.join("|") == expected));
        assert!(lookup("investigation_time").is_some() && lookup("investigaton_time").is_none());
    }

    #[test]
    fn openquake_messages() {
        assert_eq!(
            err("investigation_time", "-50.0"),
            "float -50.0 < 0: could not convert to positivefloat: investigation_time=-50.0"
        );
        assert_eq!(
            err("hazard_calculation_id", "abc"),
            "abc: could not convert to calculation: hazard_calculation_id=abc"
        );
        assert!(err("calculation_mode", "classicalx").starts_with(
            "Got 'classicalx', expected classical_risk|classical_damage|classical|custom|event_based|\
             scenario|post_risk|ebrisk|scenario_risk|event_based_risk|disaggregation|multi_risk|\
             classical_bcr|preclassical|event_based_damage|scenario_damage|workflow: could not \
             convert to Choice('classical_risk', 'classical_damage', "
        ));
        assert_eq!(
            err("master_seed", "x"),
            "invalid literal for int() with base 10: 'x': could not convert to positiveint: master_seed=x"
        );
        assert_eq!(
            err("hazard_maps", "yes"),
            "Not a boolean: yes: could not convert to boolean: hazard_maps=yes"
        );
        assert_eq!(
            err("poes", "0.1 1.5"),
            " 1.5 is bigger than the maximum (1): could not convert to probabilities: poes=0.1 1.5"
        );
        assert_eq!(
            err("ses_per_logic_tree_path", "0"),
            "'0' is zero: could not convert to compose(nonzero,positiveint): ses_per_logic_tree_path=0"
        );
        assert_eq!(
            err("sites", "0 0, 0 0"),
            "Found overlapping site #2,  0 0: could not convert to coordinates: sites=0 0, 0 0"
        );
        assert_eq!(
            err("sites", "200 0"),
            "longitude 200.0 > 180: could not convert to coordinates: sites=200 0"
        );
        assert_eq!(
            err("description", ""),
            "Got an empty string: could not convert to utf8_not_empty: description="
        );
        assert_eq!(
            err("exports", "csv, xml"),
            "' xml' is not a valid choice in ('', 'xml', 'geojson', 'txt', 'csv', 'npz', 'hdf5'): could not convert to Choice('', 'xml', 'geojson', 'txt', 'csv', 'npz', 'hdf5'): exports=csv, xml"
        );
    }

    #[test]
    fn accepted_values() {
        assert_eq!(ok("poes", "0.1 0.02"), Typed::Floats(vec![0.1, 0.02]));
        assert_eq!(ok("poes", "[0.1, 0.02]"), Typed::Floats(vec![0.1, 0.02]));
        assert_eq!(ok("sites", "0.5 -0.5, 1.0 2.0"), Typed::List(2));
        assert_eq!(ok("sec_peril_params", "[{\"a\": 1}]"), Typed::List(1));
        assert!(
            err("sec_peril_params", "{\"a\": 1}")
                .starts_with("{\"a\": 1} is not a list of dictionaries")
        );
        assert!(err("inputs", "").starts_with("the inputs are given by the *_file parameters"));
        assert_eq!(ok("truncation_level", "0"), Typed::Float(1e-9));
        assert_eq!(ok("hazard_calculation_id", ""), Typed::None);
        assert_eq!(ok("hazard_calculation_id", "12"), Typed::Int(12));
        assert_eq!(ok("number_of_logic_tree_samples", "True"), Typed::Int(1));
        assert_eq!(
            ok("minimum_engine_version", "3.22.0-git1"),
            Typed::Version([3, 22, 0])
        );
        assert_eq!(
            ok("postproc_func", "compute_rtgm.main"),
            Typed::Str("compute_rtgm.main".into())
        );
        assert!(matches!(ok("maximum_distance", "200"), Typed::Dict(d) if d.len() == 1));
        assert!(matches!(
            ok("maximum_distance", "{'default': [(5, 100), (7, 200)]}"),
            Typed::Dict(_)
        ));
        assert!(matches!(ok("maximum_distance", "magdist"), Typed::Dict(_)));
    }

    #[test]
    fn maximum_distance_errors() {
        assert!(
            err("maximum_distance", "-5").starts_with("distance -5 < 0: could not convert to new")
        );
        assert!(
            err("maximum_distance", "[(7, 200), (5, 100)]")
                .starts_with("[(7, 200), (5, 100)] is not ordered")
        );
        assert!(
            err("maximum_distance", "[(1, 200)]").starts_with("Invalid magnitude 1: could not")
        );
        assert!(err("maximum_distance", "far").starts_with("malformed node or string: name 'far'"));
    }

    #[test]
    fn imtls_with_scales() {
        let Typed::Imtls(imtls) = ok(
            "intensity_measure_types_and_levels",
            "{\"PGA\": [0.005, 0.007, 0.0098], \"SA(0.10)\": logscale(0.005, 2.13, 3), 'MMI': linscale(1, 10, 4)}",
        ) else {
            panic!("not IMTLs");
        };
        assert_eq!(imtls[0], ("PGA".into(), vec![0.005, 0.007, 0.0098]));
        assert_eq!(imtls[1].0, "SA(0.1)");
        let sa = &imtls[1].1;
        assert_eq!(sa.len(), 3);
        assert!((sa[0] - 0.005).abs() < 1e-12 && (sa[2] - 2.13).abs() < 1e-12);
        assert!((sa[1] - (0.005f64 * 2.13).sqrt()).abs() < 1e-12);
        assert_eq!(imtls[2], ("MMI".into(), vec![1.0, 4.0, 7.0, 10.0]));
        let one = ok(
            "intensity_measure_types_and_levels",
            "{'PGA': linscale(0.1, 1, 1)}",
        );
        assert_eq!(one, Typed::Imtls(vec![("PGA".into(), vec![0.1])]));
    }

    #[test]
    fn imtls_errors() {
        let e = |raw: &str| err("intensity_measure_types_and_levels", raw);
        assert!(
            e("{'PGA': [0.2, 0.1]}")
                .starts_with("The imls for PGA are not sorted: [0.2, 0.1]: could not convert")
        );
        assert!(
            e("{'PGA': [0.1, 0.1]}").starts_with("Found duplicated levels for PGA: [0.1, 0.1]")
        );
        assert!(
            e("{'PGA': [-0.1, 0.1]}").starts_with("The imls for PGA must be positive: [-0.1, 0.1]")
        );
        assert!(e("{'PGA': []}").starts_with("No imls for PGA: []"));
        assert!(e("{'PGX': [0.1]}").starts_with("Invalid IMT: 'PGX'"));
        assert!(e("{'SA': [0.1]}").starts_with("Missing period in SA"));
        assert!(e("{'PGA': logscale(0, 1, 5)}").starts_with("x_min must be positive, got 0"));
        assert!(
            e("{'PGA': logscale(0.1, 1, 5.0)}")
                .starts_with("n must be a positive integer, got 5.0")
        );
        assert!(
            e("{'PGA': logscale(0.1, 1, 10000000000)}").starts_with("n must be at most 100000")
        );
        // many scales, each within the bound, took gigabytes (a job_ini fuzz target input)
        assert!(
            e("{'PGA': logscale(0.1, 1, 60000), 'MMI': linscale(1, 10, 60000)}")
                .starts_with("the logscale/linscale levels add up to more than 100000")
        );
        assert!(
            e("{'PGA': logscale(1, 0.1, 5)}")
                .starts_with("x_max (0.1) must be bigger than x_min (1)")
        );
        assert!(e("PGA 0.1").starts_with("'PGA 0.1' is not a valid Python dictionary"));
        // a first level of 0 is OpenQuake's cut-off, any level of 0 after it is not
        assert!(matches!(
            ok("intensity_measure_types_and_levels", "{'PGA': [0, 0.1]}"),
            Typed::Imtls(_)
        ));
    }
}

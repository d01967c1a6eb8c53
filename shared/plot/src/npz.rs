//! Reading `.npz` archives (numpy's `savez`/`savez_compressed`) as the extract API returns
//! them: one `<name>.npy` member per array. Plain numeric, boolean, string and structured
//! dtypes are understood; pickled object arrays are refused.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use crate::PlotError;

/// An `.npz` archive: its arrays by member name.
#[derive(Debug, Clone, Default)]
pub struct NpzFile {
    arrays: BTreeMap<String, Npy>,
}

impl NpzFile {
    /// Reads the archive `bytes`.
    pub fn read(bytes: &[u8]) -> Result<NpzFile, PlotError> {
        let bad = |why: String| PlotError::Data(format!("not a readable .npz archive: {why}"));
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
        let mut arrays = BTreeMap::new();
        for i in 0..zip.len() {
            let mut member = zip.by_index(i).map_err(|e| bad(e.to_string()))?;
            let Some(name) = member.name().strip_suffix(".npy").map(str::to_owned) else {
                continue;
            };
            let mut npy = Vec::new();
            member
                .read_to_end(&mut npy)
                .map_err(|e| bad(format!("{name}: {e}")))?;
            let array = Npy::parse(&npy).map_err(|e| bad(format!("{name}: {e}")))?;
            arrays.insert(name, array);
        }
        Ok(NpzFile { arrays })
    }

    /// Member `name`, if present.
    pub fn get(&self, name: &str) -> Option<&Npy> {
        self.arrays.get(name)
    }

    /// Member `name`, or an error naming it.
    pub fn require(&self, name: &str) -> Result<&Npy, PlotError> {
        self.get(name)
            .ok_or_else(|| PlotError::Data(format!("the extract has no array '{name}'")))
    }

    /// The arrays by member name, sorted by name.
    pub fn into_arrays(self) -> impl Iterator<Item = (String, Npy)> {
        self.arrays.into_iter()
    }

    /// Member names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.arrays.keys().map(String::as_str)
    }
}

/// The element type of an array (or of one field of a record).
#[derive(Debug, Clone, PartialEq)]
pub enum Dtype {
    /// Little-endian float of 4 or 8 bytes.
    Float(usize),
    /// Little-endian signed integer of 1, 2, 4 or 8 bytes.
    Int(usize),
    /// Little-endian unsigned integer of 1, 2, 4 or 8 bytes.
    Uint(usize),
    /// numpy `bool`.
    Bool,
    /// `|S<n>`: bytes, zero padded.
    Bytes(usize),
    /// `<U<n>`: UCS-4 characters, zero padded.
    Unicode(usize),
    /// A record: named fields at their offsets.
    Record(Vec<(String, usize, Dtype)>),
}

impl Dtype {
    /// Bytes per element.
    pub fn size(&self) -> usize {
        match self {
            Dtype::Float(n) | Dtype::Int(n) | Dtype::Uint(n) | Dtype::Bytes(n) => *n,
            Dtype::Bool => 1,
            Dtype::Unicode(n) => 4 * n,
            Dtype::Record(fields) => fields
                .iter()
                .map(|(_, offset, dtype)| offset + dtype.size())
                .max()
                .unwrap_or(0),
        }
    }

    /// Parses a numpy descr: a type string (`'<f4'`) or a list of `(name, descr)` fields.
    fn from_literal(value: &py_literal::Value) -> Result<Dtype, String> {
        use py_literal::Value as Py;
        match value {
            Py::String(text) => Dtype::from_str(text),
            Py::List(fields) => {
                let mut offset = 0;
                let mut out = Vec::new();
                for field in fields {
                    let Py::Tuple(parts) = field else {
                        return Err(format!("unexpected record field {field}"));
                    };
                    let (Some(Py::String(name)), Some(descr)) = (parts.first(), parts.get(1))
                    else {
                        return Err(format!("unexpected record field {field}"));
                    };
                    if parts.len() > 2 {
                        return Err(format!("sub-array field '{name}' is not supported"));
                    }
                    let dtype = Dtype::from_literal(descr)?;
                    let size = dtype.size();
                    out.push((name.clone(), offset, dtype));
                    offset += size;
                }
                Ok(Dtype::Record(out))
            }
            other => Err(format!("unsupported descr {other}")),
        }
    }

    fn from_str(text: &str) -> Result<Dtype, String> {
        let unsupported = || format!("unsupported dtype '{text}'");
        let (order, rest) = text.split_at(text.len().min(1));
        if order == ">" {
            return Err(format!("big-endian dtype '{text}' is not supported"));
        }
        let rest = if matches!(order, "<" | "|" | "=") {
            rest
        } else {
            text
        };
        let (kind, width) = rest.split_at(rest.len().min(1));
        let width: usize = width.parse().map_err(|_| unsupported())?;
        Ok(match (kind, width) {
            ("f", 4 | 8) => Dtype::Float(width),
            ("i", 1 | 2 | 4 | 8) => Dtype::Int(width),
            ("u", 1 | 2 | 4 | 8) => Dtype::Uint(width),
            ("b", 1) => Dtype::Bool,
            ("S", _) => Dtype::Bytes(width),
            ("U", _) => Dtype::Unicode(width),
            ("O", _) => return Err("pickled Python objects (dtype object) are refused".into()),
            _ => return Err(unsupported()),
        })
    }

    /// The element at the start of `bytes` as a number, if this is a numeric type.
    fn number(&self, bytes: &[u8]) -> Option<f64> {
        let array = |n: usize| -> [u8; 8] {
            let mut out = [0; 8];
            out[..n].copy_from_slice(&bytes[..n]);
            out
        };
        Some(match self {
            Dtype::Float(4) => f64::from(f32::from_le_bytes(bytes[..4].try_into().ok()?)),
            Dtype::Float(_) => f64::from_le_bytes(array(8)),
            Dtype::Int(n) => {
                // sign-extend from the top byte
                let fill = if bytes[n - 1] & 0x80 != 0 { 0xff } else { 0 };
                let mut out = [fill; 8];
                out[..*n].copy_from_slice(&bytes[..*n]);
                i64::from_le_bytes(out) as f64
            }
            Dtype::Uint(n) => u64::from_le_bytes(array(*n)) as f64,
            Dtype::Bool => f64::from(bytes[0]),
            _ => return None,
        })
    }

    /// The element at the start of `bytes` as text, if this is a string type.
    fn text(&self, bytes: &[u8]) -> Option<String> {
        match self {
            Dtype::Bytes(n) => {
                let raw = &bytes[..*n];
                let end = raw.iter().position(|&b| b == 0).unwrap_or(*n);
                Some(String::from_utf8_lossy(&raw[..end]).into_owned())
            }
            Dtype::Unicode(n) => Some(
                bytes[..4 * n]
                    .chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .take_while(|&code| code != 0)
                    .map(|code| char::from_u32(code).unwrap_or('\u{fffd}'))
                    .collect(),
            ),
            _ => None,
        }
    }
}

/// One array: dtype, shape and its bytes in C order.
#[derive(Debug, Clone)]
pub struct Npy {
    pub dtype: Dtype,
    /// Empty for a 0-d array.
    pub shape: Vec<usize>,
    data: Vec<u8>,
}

impl Npy {
    /// Parses a `.npy` file (format versions 1 to 3, C order).
    fn parse(npy: &[u8]) -> Result<Npy, String> {
        if npy.len() < 10 || !npy.starts_with(b"\x93NUMPY") {
            return Err("no .npy magic".into());
        }
        let (header_len, start) = match npy[6] {
            1 => (usize::from(u16::from_le_bytes([npy[8], npy[9]])), 10),
            2 | 3 if npy.len() >= 12 => (
                u32::from_le_bytes([npy[8], npy[9], npy[10], npy[11]]) as usize,
                12,
            ),
            version => return Err(format!("unknown .npy version {version}")),
        };
        let header = npy
            .get(start..start + header_len)
            .ok_or("truncated header")?;
        let header: py_literal::Value = std::str::from_utf8(header)
            .map_err(|e| e.to_string())?
            .trim()
            .parse()
            .map_err(|e| format!("header: {e}"))?;
        let py_literal::Value::Dict(entries) = header else {
            return Err("header is not a dict".into());
        };
        let entry = |key: &str| {
            entries
                .iter()
                .find(|(k, _)| matches!(k, py_literal::Value::String(s) if s == key))
                .map(|(_, v)| v)
                .ok_or_else(|| format!("header has no '{key}'"))
        };
        let dtype = Dtype::from_literal(entry("descr")?)?;
        if matches!(entry("fortran_order")?, py_literal::Value::Boolean(true)) {
            return Err("Fortran-ordered arrays are not supported".into());
        }
        let py_literal::Value::Tuple(dims) = entry("shape")? else {
            return Err("shape is not a tuple".into());
        };
        let shape = dims
            .iter()
            .map(|d| match d {
                py_literal::Value::Integer(n) => usize::try_from(n).map_err(|e| e.to_string()),
                other => Err(format!("bad dimension {other}")),
            })
            .collect::<Result<Vec<usize>, String>>()?;
        let data = npy[start + header_len..].to_vec();
        let needed = shape.iter().product::<usize>() * dtype.size();
        if data.len() < needed {
            return Err(format!(
                "{} data bytes for shape {shape:?} need {needed}",
                data.len()
            ));
        }
        Ok(Npy { dtype, shape, data })
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// True when the array has no element.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn element(&self, i: usize) -> &[u8] {
        let size = self.dtype.size();
        &self.data[i * size..(i + 1) * size]
    }

    /// Every element as a number, in C order (an error for non-numeric arrays).
    pub fn numbers(&self) -> Result<Vec<f64>, PlotError> {
        (0..self.len())
            .map(|i| self.dtype.number(self.element(i)))
            .collect::<Option<Vec<f64>>>()
            .ok_or_else(|| PlotError::Data(format!("{:?} values are not numbers", self.dtype)))
    }

    /// Every element as text, in C order (an error for non-string arrays).
    pub fn texts(&self) -> Result<Vec<String>, PlotError> {
        (0..self.len())
            .map(|i| self.dtype.text(self.element(i)))
            .collect::<Option<Vec<String>>>()
            .ok_or_else(|| PlotError::Data(format!("{:?} values are not text", self.dtype)))
    }

    /// The numbers of the field reached by `path` (names of nested fields) in every record.
    pub fn field(&self, path: &[&str]) -> Result<Vec<f64>, PlotError> {
        let missing = || PlotError::Data(format!("the records have no field '{}'", path.join("/")));
        let mut dtype = &self.dtype;
        let mut offset = 0;
        for name in path {
            let Dtype::Record(fields) = dtype else {
                return Err(missing());
            };
            let (_, at, inner) = fields
                .iter()
                .find(|(n, _, _)| n == name)
                .ok_or_else(missing)?;
            offset += at;
            dtype = inner;
        }
        (0..self.len())
            .map(|i| dtype.number(&self.element(i)[offset..]))
            .collect::<Option<Vec<f64>>>()
            .ok_or_else(|| PlotError::Data(format!("field '{}' is not numeric", path.join("/"))))
    }

    /// The names of the record fields (empty for a plain array).
    pub fn field_names(&self) -> Vec<&str> {
        match &self.dtype {
            Dtype::Record(fields) => fields.iter().map(|(n, _, _)| n.as_str()).collect(),
            _ => Vec::new(),
        }
    }

    /// The names of the fields of record field `name`.
    pub fn subfield_names(&self, name: &str) -> Vec<&str> {
        match &self.dtype {
            Dtype::Record(fields) => fields
                .iter()
                .find(|(n, _, _)| n == name)
                .map(|(_, _, inner)| match inner {
                    Dtype::Record(sub) => sub.iter().map(|(n, _, _)| n.as_str()).collect(),
                    _ => Vec::new(),
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

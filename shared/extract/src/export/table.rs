//! Tables of typed columns and the two ways OpenQuake writes them as CSV cells: numpy record
//! arrays through `write_csv` (floats in the exporter's format, `lon`/`lat`/`depth` as
//! `%.5f`, booleans as `1`/`0`), and pandas data frames through `DataFrame.to_csv` (every
//! float column in the exporter's format, `nan` for NaN, `-0` kept).

use oqcloud_datastore::{DType, RawArray};
use py_literal::Value as PyValue;

use super::ExportError;
use super::csv::coordinate;
use crate::extract::NpyArray;

/// One column's values.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Column {
    Int(Vec<i64>),
    Float(Vec<f64>),
    Bool(Vec<bool>),
    Str(Vec<String>),
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Int(v) => v.len(),
            Column::Float(v) => v.len(),
            Column::Bool(v) => v.len(),
            Column::Str(v) => v.len(),
        }
    }

    /// The column reordered (or filtered) by `index`.
    fn take(&self, index: &[usize]) -> Column {
        fn pick<T: Clone>(v: &[T], index: &[usize]) -> Vec<T> {
            index.iter().map(|&i| v[i].clone()).collect()
        }
        match self {
            Column::Int(v) => Column::Int(pick(v, index)),
            Column::Float(v) => Column::Float(pick(v, index)),
            Column::Bool(v) => Column::Bool(pick(v, index)),
            Column::Str(v) => Column::Str(pick(v, index)),
        }
    }

    /// A 1-D numeric, boolean or byte-string array as a column.
    pub(super) fn from_raw(raw: &RawArray, path: &str) -> Result<Column, ExportError> {
        Ok(match raw.dtype {
            DType::Float(_) => Column::Float(raw.to_f64(path)?),
            DType::Int(_) | DType::UInt(_) => Column::Int(raw.to_i64(path)?),
            DType::Bool => Column::Bool(raw.to_bool(path)?),
            DType::Bytes(_) => Column::Str(raw.to_strings(path)?),
            _ => return Err(unsupported(path, &raw.dtype.numpy_descr())),
        })
    }
}

fn unsupported(path: &str, what: &str) -> ExportError {
    ExportError::Datastore(oqcloud_datastore::Error::Malformed {
        path: path.to_owned(),
        reason: format!("cannot write a column of type {what} as CSV"),
    })
}

/// Named columns of equal length.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Table {
    pub names: Vec<String>,
    pub columns: Vec<Column>,
}

/// How a table's float cells are written.
pub(super) type FloatFormat = fn(f64) -> String;

impl Table {
    /// Appends a column.
    pub(super) fn push(&mut self, name: impl Into<String>, column: Column) {
        self.names.push(name.into());
        self.columns.push(column);
    }

    /// Number of rows.
    pub(super) fn len(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// The column `name`.
    pub(super) fn column(&self, name: &str) -> Option<&Column> {
        let i = self.names.iter().position(|n| n == name)?;
        Some(&self.columns[i])
    }

    /// Renames column `from` (if there is one) to `to`.
    pub(super) fn rename(&mut self, from: &str, to: &str) {
        if let Some(name) = self.names.iter_mut().find(|n| *n == from) {
            *name = to.to_owned();
        }
    }

    /// The rows reordered (or filtered) by `index`.
    pub(super) fn take(&self, index: &[usize]) -> Table {
        Table {
            names: self.names.clone(),
            columns: self.columns.iter().map(|c| c.take(index)).collect(),
        }
    }

    /// A compound dataset's fields as columns (sub-arrays are not supported).
    pub(super) fn from_records(raw: &RawArray, path: &str) -> Result<Table, ExportError> {
        let DType::Compound { fields, .. } = &raw.dtype else {
            return Err(unsupported(path, &raw.dtype.numpy_descr()));
        };
        let mut table = Table::default();
        for field in fields {
            let values = raw
                .field(&field.name)
                .ok_or_else(|| unsupported(path, &field.name))?;
            let column = Column::from_raw(&values, &format!("{path}/{}", field.name))?;
            table.push(field.name.clone(), column);
        }
        Ok(table)
    }

    /// A 1-D record array of an extract (numbers, `|S` and `<U` strings) as columns.
    pub(super) fn from_npy(array: &NpyArray, what: &str) -> Result<Table, ExportError> {
        let descr: PyValue = array
            .descr
            .parse()
            .map_err(|_| unsupported(what, &array.descr))?;
        let PyValue::List(fields) = descr else {
            return Err(unsupported(what, &array.descr));
        };
        let mut layout = Vec::new();
        for field in &fields {
            let PyValue::Tuple(parts) = field else {
                return Err(unsupported(what, &array.descr));
            };
            match parts.as_slice() {
                [PyValue::String(name), PyValue::String(code)] => {
                    layout.push((name.clone(), code.clone()));
                }
                _ => return Err(unsupported(what, &array.descr)),
            }
        }
        let widths = layout
            .iter()
            .map(|(_, code)| code_width(code).ok_or_else(|| unsupported(what, code)))
            .collect::<Result<Vec<_>, _>>()?;
        let itemsize: usize = widths.iter().sum();
        let n = array.shape.iter().product::<usize>();
        if array.data.len() != n * itemsize {
            return Err(unsupported(what, "a record array of unexpected size"));
        }
        let mut table = Table::default();
        let mut offset = 0;
        for ((name, code), width) in layout.iter().zip(&widths) {
            let cells = (0..n).map(|r| {
                let start = r * itemsize + offset;
                &array.data[start..start + width]
            });
            table.push(name.clone(), decode_npy(code, cells, what)?);
            offset += width;
        }
        Ok(table)
    }

    /// The cells of every row as numpy's `write_csv` writes a record array.
    pub(super) fn numpy_rows(&self, float: FloatFormat) -> Vec<Vec<String>> {
        let coordinate_column: Vec<bool> = self
            .names
            .iter()
            .map(|n| matches!(n.as_str(), "lon" | "lat" | "depth"))
            .collect();
        (0..self.len())
            .map(|r| {
                self.columns
                    .iter()
                    .zip(&coordinate_column)
                    .map(|(column, &coord)| match column {
                        Column::Float(v) if coord => coordinate(v[r]),
                        Column::Int(v) if coord => coordinate(v[r] as f64),
                        Column::Float(v) => unsigned_zero(float(v[r])),
                        Column::Int(v) => v[r].to_string(),
                        Column::Bool(v) => if v[r] { "1" } else { "0" }.to_owned(),
                        Column::Str(v) => v[r].clone(),
                    })
                    .collect()
            })
            .collect()
    }

    /// The cells of every row as pandas' `to_csv(float_format=...)` writes a data frame.
    pub(super) fn pandas_rows(&self, float: FloatFormat) -> Vec<Vec<String>> {
        (0..self.len())
            .map(|r| {
                self.columns
                    .iter()
                    .map(|column| match column {
                        Column::Float(v) if v[r].is_nan() => "nan".to_owned(),
                        Column::Float(v) => float(v[r]),
                        Column::Int(v) => v[r].to_string(),
                        Column::Bool(v) => if v[r] { "True" } else { "False" }.to_owned(),
                        Column::Str(v) => v[r].clone(),
                    })
                    .collect()
            })
            .collect()
    }
}

/// A 1-D array of an extract (numbers, booleans, `|S` or `<U` strings) as a column.
pub(super) fn npy_column(array: &NpyArray, what: &str) -> Result<Column, ExportError> {
    let code = array.descr.trim_matches('\'');
    let width = code_width(code).ok_or_else(|| unsupported(what, code))?;
    let n = array.shape.iter().product::<usize>();
    if width == 0 || array.data.len() != n * width {
        return Err(unsupported(what, "an array of unexpected size"));
    }
    decode_npy(code, array.data.chunks_exact(width), what)
}

/// The values of a 1-D float or integer array of an extract.
pub(super) fn npy_floats(array: &NpyArray, what: &str) -> Result<Vec<f64>, ExportError> {
    match npy_column(array, what)? {
        Column::Float(v) => Ok(v),
        Column::Int(v) => Ok(v.into_iter().map(|x| x as f64).collect()),
        _ => Err(unsupported(what, &array.descr)),
    }
}

/// A formatted zero without its sign (`-0.000000E+00` as `0.000000E+00`), as OpenQuake's
/// `scientificformat` writes the cells of record arrays.
fn unsigned_zero(cell: String) -> String {
    if cell
        .chars()
        .all(|c| matches!(c, 'E' | '-' | '+' | '.' | '0'))
    {
        cell.replace('-', "")
    } else {
        cell
    }
}

/// Bytes of one element of numpy type `code` (`<f4`, `|S8`, `<U5`, ...).
fn code_width(code: &str) -> Option<usize> {
    let kind = code.trim_start_matches(['<', '>', '|', '=']);
    let (letter, size) = kind.split_at(1);
    let size: usize = size.parse().ok()?;
    Some(if letter == "U" { size * 4 } else { size })
}

fn decode_npy<'a>(
    code: &str,
    cells: impl Iterator<Item = &'a [u8]>,
    what: &str,
) -> Result<Column, ExportError> {
    let kind = code.trim_start_matches(['<', '>', '|', '=']);
    let int = |b: &[u8], signed: bool| {
        let mut buf = [0u8; 8];
        buf[..b.len()].copy_from_slice(b);
        if signed && b.last().is_some_and(|&last| last & 0x80 != 0) {
            buf[b.len()..].fill(0xff);
        }
        i64::from_le_bytes(buf)
    };
    Ok(match kind {
        "f4" => Column::Float(
            cells
                .map(|b| f64::from(f32::from_le_bytes(b.try_into().unwrap_or_default())))
                .collect(),
        ),
        "f8" => Column::Float(
            cells
                .map(|b| f64::from_le_bytes(b.try_into().unwrap_or_default()))
                .collect(),
        ),
        "b1" => Column::Bool(cells.map(|b| b[0] != 0).collect()),
        _ if kind.starts_with('i') => Column::Int(cells.map(|b| int(b, true)).collect()),
        _ if kind.starts_with('u') => Column::Int(cells.map(|b| int(b, false)).collect()),
        _ if kind.starts_with('S') => Column::Str(
            cells
                .map(|b| {
                    let end = b.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
                    String::from_utf8_lossy(&b[..end]).into_owned()
                })
                .collect(),
        ),
        _ if kind.starts_with('U') => Column::Str(
            cells
                .map(|b| {
                    b.chunks_exact(4)
                        .map(|c| u32::from_le_bytes(c.try_into().unwrap_or_default()))
                        .take_while(|&c| c != 0)
                        .filter_map(char::from_u32)
                        .collect()
                })
                .collect(),
        ),
        _ => return Err(unsupported(what, code)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_arrays_of_extracts_are_read_back() {
        let mut data = Vec::new();
        for (id, name) in [(7i64, "ab"), (-1, "c")] {
            data.extend(id.to_le_bytes());
            let mut text = name.as_bytes().to_vec();
            text.resize(3, 0);
            data.extend(text);
        }
        let array = NpyArray {
            descr: "[('id', '<i8'), ('name', '|S3')]".into(),
            shape: vec![2],
            data,
        };
        let table = Table::from_npy(&array, "x").unwrap();
        assert_eq!(table.names, ["id", "name"]);
        assert_eq!(table.columns[0], Column::Int(vec![7, -1]));
        assert_eq!(table.columns[1], Column::Str(vec!["ab".into(), "c".into()]));
    }

    #[test]
    fn numpy_and_pandas_cells() {
        let mut table = Table::default();
        table.push("lon", Column::Float(vec![0.5]));
        table.push("x", Column::Float(vec![-0.0]));
        table.push("ok", Column::Bool(vec![true]));
        assert_eq!(
            table.numpy_rows(super::super::csv::pandas_float),
            [["0.50000", "0.00000E+00", "1"]]
        );
        assert_eq!(
            table.pandas_rows(super::super::csv::pandas_float),
            [["5.00000E-01", "-0.00000E+00", "True"]]
        );
    }
}

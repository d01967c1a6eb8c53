//! `.npz` archives as numpy's `savez_compressed` writes them: one deflated `<name>.npy` zip
//! member per array. Only plain dtypes are written (numbers, booleans, fixed-width `|S` and
//! `<U` strings, records of them), so `numpy.load(allow_pickle=False)` reads every archive.

use std::io::{Cursor, Write};

use ndarray_npy::npy::header::{Header, Layout};
use oqcloud_datastore::{DType, Field, RawArray};
use py_literal::Value as PyValue;

/// One array of an archive: its numpy `descr`, shape and packed little-endian bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct NpyArray {
    /// The numpy type descriptor as a Python literal (`'<f4'`, `[('lon', '<f8'), ...]`).
    pub descr: String,
    /// The shape (empty for a 0-d array).
    pub shape: Vec<usize>,
    /// The elements in C order.
    pub data: Vec<u8>,
}

impl NpyArray {
    /// An array of any [`DType`] (records included) with its packed bytes.
    pub fn new(dtype: &DType, shape: Vec<usize>, data: Vec<u8>) -> NpyArray {
        NpyArray {
            descr: dtype.numpy_descr(),
            shape,
            data,
        }
    }

    /// A dataset or attribute read from the datastore, as it is.
    pub fn from_raw(raw: RawArray) -> NpyArray {
        NpyArray::new(&raw.dtype, raw.shape, raw.data)
    }

    /// `float32` values of the given shape.
    pub fn f32(shape: Vec<usize>, values: impl IntoIterator<Item = f32>) -> NpyArray {
        let data = values.into_iter().flat_map(f32::to_le_bytes).collect();
        NpyArray::new(&DType::Float(4), shape, data)
    }

    /// A 1-D `float64` array.
    pub fn f64s(values: &[f64]) -> NpyArray {
        let data = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        NpyArray::new(&DType::Float(8), vec![values.len()], data)
    }

    /// A 0-d `float64`.
    pub fn f64_scalar(value: f64) -> NpyArray {
        NpyArray::new(&DType::Float(8), Vec::new(), value.to_le_bytes().to_vec())
    }

    /// A 1-D `int64` array (Python ints in a list).
    pub fn i64s(values: &[i64]) -> NpyArray {
        let data = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        NpyArray::new(&DType::Int(8), vec![values.len()], data)
    }

    /// A 0-d `bool`.
    pub fn bool_scalar(value: bool) -> NpyArray {
        NpyArray::new(&DType::Bool, Vec::new(), vec![u8::from(value)])
    }

    /// A 0-d byte string `|S<n>` (a Python `str` saved by OpenQuake as UTF-8 bytes).
    pub fn bytes_scalar(text: &str) -> NpyArray {
        let width = text.len().max(1);
        let mut data = text.as_bytes().to_vec();
        data.resize(width, 0);
        NpyArray::new(&DType::Bytes(width), Vec::new(), data)
    }

    /// A 1-D unicode array `<U<n>`, as wide as the longest value in characters (at least 1):
    /// a Python list of strings.
    pub fn unicode(values: &[impl AsRef<str>]) -> NpyArray {
        let width = values
            .iter()
            .map(|v| v.as_ref().chars().count())
            .max()
            .unwrap_or(0)
            .max(1);
        let mut data = Vec::with_capacity(values.len() * width * 4);
        for value in values {
            let chars: Vec<char> = value.as_ref().chars().collect();
            for c in 0..width {
                let code = chars.get(c).map_or(0, |&c| u32::from(c));
                data.extend(code.to_le_bytes());
            }
        }
        NpyArray {
            descr: format!("'<U{width}'"),
            shape: vec![values.len()],
            data,
        }
    }

    /// Records of `n` rows from columns of `n` values each (name, dtype, packed bytes):
    /// numpy's structured array with the fields in column order.
    pub fn records(n: usize, columns: &[(String, DType, Vec<u8>)]) -> NpyArray {
        let dtype = compound(
            columns
                .iter()
                .map(|(name, dt, _)| (name.clone(), dt.clone())),
        );
        let mut data = Vec::with_capacity(n * dtype.size());
        for row in 0..n {
            for (_, dt, bytes) in columns {
                let size = dt.size();
                data.extend_from_slice(&bytes[row * size..(row + 1) * size]);
            }
        }
        NpyArray::new(&dtype, vec![n], data)
    }

    /// The `.npy` file: header then data.
    fn to_npy(&self) -> Result<Vec<u8>, String> {
        let type_descriptor: PyValue = self
            .descr
            .parse()
            .map_err(|e| format!("numpy descr {}: {e}", self.descr))?;
        let header = Header {
            type_descriptor,
            layout: Layout::Standard,
            shape: self.shape.clone(),
        };
        let mut out = header.to_bytes().map_err(|e| e.to_string())?;
        out.extend_from_slice(&self.data);
        Ok(out)
    }
}

/// A packed record type with these fields, in order.
pub fn compound(fields: impl IntoIterator<Item = (String, DType)>) -> DType {
    let mut offset = 0;
    let fields = fields
        .into_iter()
        .map(|(name, dtype)| {
            let field = Field {
                name,
                offset,
                dtype,
            };
            offset += field.dtype.size();
            field
        })
        .collect();
    DType::Compound {
        fields,
        itemsize: offset,
    }
}

/// Named arrays, written as one `.npz` archive; member order is insertion order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Npz {
    members: Vec<(String, NpyArray)>,
}

impl Npz {
    /// An empty archive.
    pub fn new() -> Npz {
        Npz::default()
    }

    /// Adds (or replaces) member `name`.
    pub fn add(&mut self, name: impl Into<String>, array: NpyArray) {
        let name = name.into();
        match self.members.iter_mut().find(|(n, _)| *n == name) {
            Some((_, slot)) => *slot = array,
            None => self.members.push((name, array)),
        }
    }

    /// Adds `extra = ["value"]`, the member OpenQuake's `ArrayWrapper` always carries.
    pub fn add_extra(&mut self) {
        self.add("extra", NpyArray::unicode(&["value"]));
    }

    /// Member `name`.
    pub fn get(&self, name: &str) -> Option<&NpyArray> {
        self.members.iter().find(|(n, _)| n == name).map(|(_, a)| a)
    }

    /// Member names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.members.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// The archive bytes: `<name>.npy` members, deflated, as `numpy.savez_compressed`.
    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(false);
        for (name, array) in &self.members {
            let npy = array.to_npy()?;
            zip.start_file(format!("{name}.npy"), options)
                .map_err(|e| e.to_string())?;
            zip.write_all(&npy).map_err(|e| e.to_string())?;
        }
        Ok(zip.finish().map_err(|e| e.to_string())?.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_is_ucs4_as_wide_as_the_longest() {
        let a = NpyArray::unicode(&["ab", "c"]);
        assert_eq!(a.descr, "'<U2'");
        assert_eq!(a.shape, vec![2]);
        assert_eq!(a.data, [97, 0, 0, 0, 98, 0, 0, 0, 99, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn headers_are_numpy_headers() {
        let npy = NpyArray::f32(vec![2, 1], [1.0, 2.0]).to_npy().unwrap();
        assert!(npy.starts_with(b"\x93NUMPY\x01\x00"));
        let header = String::from_utf8_lossy(&npy[10..]);
        assert!(header.contains("'descr': '<f4'"), "{header}");
        assert!(header.contains("'shape': (2, 1)"), "{header}");
        assert_eq!((npy.len() - 8) % 64, 0);
    }

    #[test]
    fn an_archive_has_one_npy_member_per_array() {
        let mut npz = Npz::new();
        npz.add("x", NpyArray::bool_scalar(true));
        npz.add_extra();
        let bytes = npz.to_bytes().unwrap();
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let names: Vec<&str> = zip.file_names().collect();
        assert_eq!(names.len(), 2);
        assert!(names.contains(&"x.npy") && names.contains(&"extra.npy"));
    }
}

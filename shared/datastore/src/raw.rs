//! Type-agnostic access: any dataset or attribute as numpy-like bytes.

use std::ffi::{CStr, c_char, c_void};

use hdf5::types::{CompoundField, CompoundType, FloatSize, IntSize, TypeDescriptor};
use hdf5::{Container, Datatype, Group};
use hdf5_sys::h5a::H5Aread;
use hdf5_sys::h5d::{H5Dread, H5Dwrite};
use hdf5_sys::h5p::H5P_DEFAULT;
use hdf5_sys::h5s::H5S_ALL;
use hdf5_sys::h5t::H5Treclaim;

use crate::error::{Ctx, Error, Result};

/// A numpy-like element type. Data described by it is packed (no padding) and little-endian.
#[derive(Debug, Clone, PartialEq)]
pub enum DType {
    /// Signed integer of this many bytes.
    Int(usize),
    /// Unsigned integer of this many bytes.
    UInt(usize),
    /// IEEE float of this many bytes.
    Float(usize),
    /// One byte, 0 or 1 (h5py's bool enum).
    Bool,
    /// Fixed-width byte string, NUL-padded (numpy `|S<n>`); HDF5 variable-length strings are
    /// read as this with the width of the longest value (at least 1).
    Bytes(usize),
    /// A record of named fields.
    Compound {
        /// The fields, in order.
        fields: Vec<Field>,
        /// Size of one record in bytes.
        itemsize: usize,
    },
    /// A fixed-size sub-array (only inside compounds); nested, one of several dimensions
    /// (outermost first).
    Array(Box<DType>, usize),
}

/// One field of a [`DType::Compound`].
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Field name.
    pub name: String,
    /// Field type.
    pub dtype: DType,
    /// Byte offset in the record.
    pub offset: usize,
}

impl DType {
    /// Size of one element in bytes.
    pub fn size(&self) -> usize {
        match self {
            DType::Int(n) | DType::UInt(n) | DType::Float(n) | DType::Bytes(n) => *n,
            DType::Bool => 1,
            DType::Compound { itemsize, .. } => *itemsize,
            DType::Array(base, n) => base.size() * n,
        }
    }

    /// The numpy `descr` of this type, as written in `.npy` headers: `'<f4'`, `'|S8'`,
    /// `[('sids', '<u4'), ('lon', '<f8')]`.
    pub fn numpy_descr(&self) -> String {
        match self {
            DType::Int(1) => "'|i1'".into(),
            DType::UInt(1) => "'|u1'".into(),
            DType::Int(n) => format!("'<i{n}'"),
            DType::UInt(n) => format!("'<u{n}'"),
            DType::Float(n) => format!("'<f{n}'"),
            DType::Bool => "'|b1'".into(),
            DType::Bytes(n) => format!("'|S{n}'"),
            DType::Compound { fields, .. } => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|f| match &f.dtype {
                        DType::Array(..) => {
                            // nested arrays are one sub-array of several dimensions
                            let (mut base, mut dims) = (&f.dtype, Vec::new());
                            while let DType::Array(inner, n) = base {
                                dims.push(n.to_string());
                                base = inner;
                            }
                            let shape = match dims.as_slice() {
                                [one] => format!("({one},)"),
                                _ => format!("({})", dims.join(", ")),
                            };
                            format!("('{}', {}, {shape})", f.name, base.numpy_descr())
                        }
                        other => format!("('{}', {})", f.name, other.numpy_descr()),
                    })
                    .collect();
                format!("[{}]", parts.join(", "))
            }
            DType::Array(base, _) => base.numpy_descr(),
        }
    }

    fn from_descriptor(desc: &TypeDescriptor, path: &str) -> Result<DType> {
        Ok(match desc {
            TypeDescriptor::Integer(s) => DType::Int(*s as usize),
            TypeDescriptor::Unsigned(s) => DType::UInt(*s as usize),
            TypeDescriptor::Float(s) => DType::Float(*s as usize),
            TypeDescriptor::Boolean => DType::Bool,
            TypeDescriptor::Enum(e) if e.signed => DType::Int(e.size as usize),
            TypeDescriptor::Enum(e) => DType::UInt(e.size as usize),
            TypeDescriptor::FixedAscii(n) | TypeDescriptor::FixedUnicode(n) => DType::Bytes(*n),
            // the width is fixed later from the data
            TypeDescriptor::VarLenAscii | TypeDescriptor::VarLenUnicode => DType::Bytes(0),
            TypeDescriptor::FixedArray(base, n) => {
                DType::Array(Box::new(DType::from_descriptor(base, path)?), *n)
            }
            TypeDescriptor::Compound(c) => {
                let mut fields = Vec::with_capacity(c.fields.len());
                let mut offset = 0;
                for f in sorted_fields(c) {
                    let dtype = DType::from_descriptor(&f.ty, path)?;
                    fields.push(Field {
                        name: f.name.clone(),
                        dtype,
                        offset,
                    });
                    offset += fields.last().map_or(0, |f| f.dtype.size());
                }
                DType::Compound {
                    fields,
                    itemsize: offset,
                }
            }
            other => {
                return Err(Error::Unsupported {
                    path: path.into(),
                    reason: format!("HDF5 type {other:?}"),
                });
            }
        })
    }

    fn to_descriptor(&self, path: &str) -> Result<TypeDescriptor> {
        let int = |n: usize| match n {
            1 => Ok(IntSize::U1),
            2 => Ok(IntSize::U2),
            4 => Ok(IntSize::U4),
            8 => Ok(IntSize::U8),
            _ => Err(Error::malformed(path, format!("integer of {n} bytes"))),
        };
        Ok(match self {
            DType::Int(n) => TypeDescriptor::Integer(int(*n)?),
            DType::UInt(n) => TypeDescriptor::Unsigned(int(*n)?),
            DType::Float(4) => TypeDescriptor::Float(FloatSize::U4),
            DType::Float(8) => TypeDescriptor::Float(FloatSize::U8),
            DType::Float(n) => return Err(Error::malformed(path, format!("float of {n} bytes"))),
            DType::Bool => TypeDescriptor::Boolean,
            DType::Bytes(n) => TypeDescriptor::FixedAscii(*n),
            DType::Array(base, n) => {
                TypeDescriptor::FixedArray(Box::new(base.to_descriptor(path)?), *n)
            }
            DType::Compound { fields, itemsize } => TypeDescriptor::Compound(CompoundType {
                fields: fields
                    .iter()
                    .enumerate()
                    .map(|(index, f)| {
                        Ok(CompoundField::new(
                            &f.name,
                            f.dtype.to_descriptor(path)?,
                            f.offset,
                            index,
                        ))
                    })
                    .collect::<Result<_>>()?,
                size: *itemsize,
            }),
        })
    }
}

/// A whole dataset or attribute: element type, shape and packed little-endian bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct RawArray {
    /// Element type.
    pub dtype: DType,
    /// Shape (empty for a scalar).
    pub shape: Vec<usize>,
    /// `shape.product() * dtype.size()` bytes in C order.
    pub data: Vec<u8>,
}

impl RawArray {
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// True when there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column `name` of a compound array, as its own array.
    pub fn field(&self, name: &str) -> Option<RawArray> {
        let DType::Compound { fields, itemsize } = &self.dtype else {
            return None;
        };
        let f = fields.iter().find(|f| f.name == name)?;
        let size = f.dtype.size();
        let mut data = Vec::with_capacity(self.len() * size);
        for rec in self.data.chunks_exact(*itemsize) {
            data.extend_from_slice(&rec[f.offset..f.offset + size]);
        }
        Some(RawArray {
            dtype: f.dtype.clone(),
            shape: self.shape.clone(),
            data,
        })
    }

    /// The values converted to f64 (from any integer, float or bool type).
    pub fn to_f64(&self, path: &str) -> Result<Vec<f64>> {
        let n = self.dtype.size();
        let conv: fn(&[u8]) -> f64 = match self.dtype {
            DType::Float(8) => |b| f64::from_le_bytes(b.try_into().unwrap_or_default()),
            DType::Float(4) => |b| f32::from_le_bytes(b.try_into().unwrap_or_default()) as f64,
            _ => {
                return self
                    .to_i64(path)
                    .map(|v| v.into_iter().map(|x| x as f64).collect());
            }
        };
        Ok(self.data.chunks_exact(n).map(conv).collect())
    }

    /// The values converted to i64 (from any integer or bool type; u64 wraps).
    pub fn to_i64(&self, path: &str) -> Result<Vec<i64>> {
        let n = self.dtype.size();
        let signed = match self.dtype {
            DType::Int(_) => true,
            DType::UInt(_) | DType::Bool => false,
            _ => {
                return Err(Error::malformed(
                    path,
                    format!("not numeric: {}", self.dtype.numpy_descr()),
                ));
            }
        };
        Ok(self
            .data
            .chunks_exact(n)
            .map(|b| {
                let mut buf = [0u8; 8];
                buf[..n].copy_from_slice(b);
                if signed && b[n - 1] & 0x80 != 0 {
                    buf[n..].fill(0xff);
                }
                i64::from_le_bytes(buf)
            })
            .collect())
    }

    /// The values as booleans (non-zero is true).
    pub fn to_bool(&self, path: &str) -> Result<Vec<bool>> {
        Ok(self.to_i64(path)?.into_iter().map(|x| x != 0).collect())
    }

    /// The values as strings (byte strings without their NUL padding, decoded as UTF-8).
    pub fn to_strings(&self, path: &str) -> Result<Vec<String>> {
        let DType::Bytes(n) = self.dtype else {
            return Err(Error::malformed(
                path,
                format!("not a string: {}", self.dtype.numpy_descr()),
            ));
        };
        if n == 0 {
            return Ok(vec![String::new(); self.len()]);
        }
        self.data
            .chunks_exact(n)
            .map(|b| {
                let end = b.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
                String::from_utf8(b[..end].to_vec())
                    .map_err(|_| Error::malformed(path, "invalid UTF-8 string"))
            })
            .collect()
    }

    /// Builds a 1-D array of fixed-width byte strings, as wide as the longest (at least 1).
    pub fn from_strings(values: &[impl AsRef<str>]) -> RawArray {
        let width = values
            .iter()
            .map(|s| s.as_ref().len())
            .max()
            .unwrap_or(0)
            .max(1);
        let mut data = vec![0u8; width * values.len()];
        for (chunk, s) in data.chunks_exact_mut(width).zip(values) {
            chunk[..s.as_ref().len()].copy_from_slice(s.as_ref().as_bytes());
        }
        RawArray {
            dtype: DType::Bytes(width),
            shape: vec![values.len()],
            data,
        }
    }
}

/// An HDF5 attribute value.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    /// A string (written as a scalar variable-length UTF-8 string, like h5py).
    Str(String),
    /// A 1-D array of strings (variable-length UTF-8).
    Strs(Vec<String>),
    /// An integer (i64).
    Int(i64),
    /// A 1-D integer array (i64).
    Ints(Vec<i64>),
    /// A float (f64).
    Float(f64),
    /// A 1-D float array (f64).
    Floats(Vec<f64>),
    /// A boolean (h5py's bool enum).
    Bool(bool),
    /// Anything else (compound or multi-dimensional), read only.
    Raw(RawArray),
}

impl AttrValue {
    /// The string, if this is a string attribute.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            AttrValue::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn from_raw(raw: RawArray, path: &str) -> Result<AttrValue> {
        let scalar = raw.shape.is_empty();
        let one_d = raw.shape.len() == 1;
        Ok(match raw.dtype {
            DType::Bytes(_) if scalar => AttrValue::Str(raw.to_strings(path)?.remove(0)),
            DType::Bytes(_) if one_d => AttrValue::Strs(raw.to_strings(path)?),
            DType::Bool if scalar => AttrValue::Bool(raw.to_bool(path)?[0]),
            DType::Int(_) | DType::UInt(_) if scalar => AttrValue::Int(raw.to_i64(path)?[0]),
            DType::Int(_) | DType::UInt(_) if one_d => AttrValue::Ints(raw.to_i64(path)?),
            DType::Float(4 | 8) if scalar => AttrValue::Float(raw.to_f64(path)?[0]),
            DType::Float(4 | 8) if one_d => AttrValue::Floats(raw.to_f64(path)?),
            _ => AttrValue::Raw(raw),
        })
    }
}

/// Slots of variable-length strings in a type, counted structurally (array items share one).
fn count_slots(desc: &TypeDescriptor) -> usize {
    match desc {
        TypeDescriptor::VarLenAscii | TypeDescriptor::VarLenUnicode => 1,
        TypeDescriptor::FixedArray(base, _) => count_slots(base),
        TypeDescriptor::Compound(c) => c.fields.iter().map(|f| count_slots(&f.ty)).sum(),
        _ => 0,
    }
}

/// The C string stored at `p` (a `char *` slot of a variable-length string).
///
/// # Safety
/// `p` must point to a slot filled by `H5Dread`/`H5Aread` with a vlen string type.
unsafe fn vlen_bytes(p: *const u8) -> &'static [u8] {
    let ptr = unsafe { std::ptr::read_unaligned(p as *const *const c_char) };
    if ptr.is_null() {
        &[]
    } else {
        unsafe { CStr::from_ptr(ptr) }.to_bytes()
    }
}

/// Compound fields in offset order (the order of [`DType::Compound`] fields).
fn sorted_fields(c: &CompoundType) -> Vec<&CompoundField> {
    let mut sorted: Vec<&CompoundField> = c.fields.iter().collect();
    sorted.sort_by_key(|f| f.offset);
    sorted
}

fn scan(desc: &TypeDescriptor, elem: &[u8], slot: usize, maxes: &mut [usize]) {
    match desc {
        TypeDescriptor::VarLenAscii | TypeDescriptor::VarLenUnicode => {
            // SAFETY: the buffer was filled by HDF5 with this memory type
            let len = unsafe { vlen_bytes(elem.as_ptr()) }.len();
            maxes[slot] = maxes[slot].max(len);
        }
        TypeDescriptor::FixedArray(base, n) => {
            let size = base.size();
            for i in 0..*n {
                scan(base, &elem[i * size..], slot, maxes);
            }
        }
        TypeDescriptor::Compound(c) => {
            let mut s = slot;
            for f in sorted_fields(c) {
                scan(&f.ty, &elem[f.offset..], s, maxes);
                s += count_slots(&f.ty);
            }
        }
        _ => {}
    }
}

/// Sets the widths of variable-length strings in `dtype` (built from `desc`).
fn fix_widths(desc: &TypeDescriptor, dtype: &mut DType, slot: usize, maxes: &[usize]) {
    match (desc, dtype) {
        (TypeDescriptor::VarLenAscii | TypeDescriptor::VarLenUnicode, DType::Bytes(w)) => {
            *w = maxes[slot].max(1)
        }
        (TypeDescriptor::FixedArray(base, _), DType::Array(b, _)) => {
            fix_widths(base, b, slot, maxes)
        }
        (TypeDescriptor::Compound(c), DType::Compound { fields, itemsize }) => {
            let mut offset = 0;
            let mut s = slot;
            for (cf, f) in sorted_fields(c).into_iter().zip(fields.iter_mut()) {
                fix_widths(&cf.ty, &mut f.dtype, s, maxes);
                s += count_slots(&cf.ty);
                f.offset = offset;
                offset += f.dtype.size();
            }
            *itemsize = offset;
        }
        _ => {}
    }
}

/// Appends one element of `desc` (memory layout) to `out` in the packed layout of `dtype`.
fn pack(desc: &TypeDescriptor, dtype: &DType, elem: &[u8], out: &mut Vec<u8>) {
    match (desc, dtype) {
        (TypeDescriptor::VarLenAscii | TypeDescriptor::VarLenUnicode, DType::Bytes(w)) => {
            // SAFETY: the buffer was filled by HDF5 with this memory type
            let bytes = unsafe { vlen_bytes(elem.as_ptr()) };
            out.extend_from_slice(bytes);
            out.resize(out.len() + w - bytes.len(), 0);
        }
        (TypeDescriptor::FixedArray(base, n), DType::Array(b, _)) => {
            let size = base.size();
            for i in 0..*n {
                pack(base, b, &elem[i * size..], out);
            }
        }
        (TypeDescriptor::Compound(c), DType::Compound { fields, .. }) => {
            for (cf, f) in sorted_fields(c).into_iter().zip(fields) {
                pack(&cf.ty, &f.dtype, &elem[cf.offset..], out);
            }
        }
        _ => out.extend_from_slice(&elem[..dtype.size()]),
    }
}

/// Reads a whole dataset or attribute (`is_attr`). Caller holds the HDF5 lock.
pub(crate) fn read_container(c: &Container, is_attr: bool, path: &str) -> Result<RawArray> {
    let desc = c
        .dtype()
        .at(path)?
        .to_descriptor()
        .map_err(|e| Error::Unsupported {
            path: path.into(),
            reason: e.to_string(),
        })?;
    if let TypeDescriptor::VarLenArray(_) = desc {
        return Err(Error::Unsupported {
            path: path.into(),
            reason: "variable-length arrays".into(),
        });
    }
    let mem = desc.to_c_repr();
    let mut dtype = DType::from_descriptor(&mem, path)?;
    let space = c.space().at(path)?;
    let shape = space.shape();
    let n: usize = shape.iter().product();
    let size = mem.size();
    let mut buf = vec![0u8; n * size];
    if n > 0 {
        let mem_type = Datatype::from_descriptor(&mem).at(path)?;
        let ptr = buf.as_mut_ptr() as *mut c_void;
        // SAFETY: `buf` holds `n` elements of `mem_type`
        let status = unsafe {
            if is_attr {
                H5Aread(c.id(), mem_type.id(), ptr)
            } else {
                H5Dread(c.id(), mem_type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptr)
            }
        };
        if status < 0 {
            return Err(Error::malformed(path, "H5Dread/H5Aread failed"));
        }
        let slots = count_slots(&mem);
        let mut maxes = vec![0usize; slots];
        let mut data = Vec::with_capacity(n * dtype.size());
        if slots > 0 {
            for elem in buf.chunks_exact(size) {
                scan(&mem, elem, 0, &mut maxes);
            }
            fix_widths(&mem, &mut dtype, 0, &maxes);
        }
        for elem in buf.chunks_exact(size) {
            pack(&mem, &dtype, elem, &mut data);
        }
        if slots > 0 {
            // SAFETY: frees the strings HDF5 allocated in `buf` for this type and space
            unsafe { H5Treclaim(mem_type.id(), space.id(), H5P_DEFAULT, ptr) };
        }
        return Ok(RawArray { dtype, shape, data });
    }
    if count_slots(&mem) > 0 {
        fix_widths(&mem, &mut dtype, 0, &vec![0; count_slots(&mem)]);
    }
    Ok(RawArray {
        dtype,
        shape,
        data: Vec::new(),
    })
}

/// Creates dataset `name` in `group` holding `raw`. Caller holds the HDF5 lock.
pub(crate) fn write_dataset(group: &Group, name: &str, raw: &RawArray, path: &str) -> Result<()> {
    if raw.data.len() != raw.len() * raw.dtype.size() {
        return Err(Error::malformed(
            path,
            "data size does not match shape and dtype",
        ));
    }
    let desc = raw.dtype.to_descriptor(path)?;
    let ds = group
        .new_dataset_builder()
        .empty_as(&desc)
        .shape(raw.shape.clone())
        .create(name)
        .at(path)?;
    write_bytes(&ds, &desc, &raw.data, path)
}

fn write_bytes(c: &Container, desc: &TypeDescriptor, data: &[u8], path: &str) -> Result<()> {
    if data.is_empty() {
        return Ok(());
    }
    let mem_type = Datatype::from_descriptor(desc).at(path)?;
    let ptr = data.as_ptr() as *const c_void;
    // SAFETY: `data` holds the container's elements in the layout of `mem_type`
    let status = unsafe { H5Dwrite(c.id(), mem_type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptr) };
    if status < 0 {
        return Err(Error::malformed(path, "H5Dwrite failed"));
    }
    Ok(())
}

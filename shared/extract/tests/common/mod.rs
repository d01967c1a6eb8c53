//! Reading `.npz` archives member by member, for the tests of this crate.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use ndarray_npy::npy::header::{Header, Layout};
use py_literal::Value as PyValue;

/// One `.npy` member: its dtype, shape and bytes.
#[derive(Debug, PartialEq)]
pub struct Member {
    pub descr: PyValue,
    pub shape: Vec<usize>,
    pub data: Vec<u8>,
}

/// Fortran-ordered data in C order: the same array. (numpy keeps the layout of a sum over a
/// strided view, so some reference arrays are saved in Fortran order; oqcloud writes C order.)
fn c_order(data: Vec<u8>, shape: &[usize]) -> Vec<u8> {
    let n: usize = shape.iter().product();
    if n == 0 {
        return data;
    }
    let item = data.len() / n;
    let mut out = Vec::with_capacity(data.len());
    for c in 0..n {
        // the C-order multi-index of element c, then its Fortran-order position
        let (mut rest, mut index) = (c, vec![0; shape.len()]);
        for (i, &len) in index.iter_mut().zip(shape).rev() {
            *i = rest % len;
            rest /= len;
        }
        let (mut f, mut stride) = (0, 1);
        for (i, &len) in index.iter().zip(shape) {
            f += i * stride;
            stride *= len;
        }
        out.extend_from_slice(&data[f * item..(f + 1) * item]);
    }
    out
}

/// The members of an archive by name.
pub fn read_npz(bytes: &[u8]) -> BTreeMap<String, Member> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut members = BTreeMap::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let name = file.name().strip_suffix(".npy").unwrap().to_owned();
        let header = Header::from_reader(&mut file).unwrap();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        if header.layout == Layout::Fortran {
            data = c_order(data, &header.shape);
        }
        members.insert(
            name,
            Member {
                descr: header.type_descriptor,
                shape: header.shape,
                data,
            },
        );
    }
    members
}

//! Reading `.npz` archives member by member, for the tests of this crate.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use ndarray_npy::npy::header::Header;
use py_literal::Value as PyValue;

/// One `.npy` member: its dtype, shape and bytes.
#[derive(Debug, PartialEq)]
pub struct Member {
    pub descr: PyValue,
    pub shape: Vec<usize>,
    pub data: Vec<u8>,
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

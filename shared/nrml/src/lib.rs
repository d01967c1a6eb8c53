//! NRML, OpenQuake's XML format for input models: parsing and validation.

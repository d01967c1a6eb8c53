//! XML -> typed structs. The only part of the crate that sees XML.

mod logic_tree;
mod site_model;
mod source;
mod value;
mod xml;

use crate::error::NodeResult;
use crate::{Document, Model, NrmlError, NrmlVersion};
use xml::{Elem, LineIndex};

const NRML_0_4: &str = "http://openquake.org/xmlns/nrml/0.4";
const NRML_0_5: &str = "http://openquake.org/xmlns/nrml/0.5";

/// Parses `text` into a [`Document`], without the checks between values.
pub(crate) fn document(text: &str, file: &str) -> Result<Document, NrmlError> {
    let lines = LineIndex::new(text);
    let xml = xml::parse(text, &lines).map_err(|e| NrmlError::Syntax {
        file: file.to_owned(),
        line: e.line,
        message: e.message.to_owned(),
    })?;
    let root = Elem::new(xml.root_element(), &lines);
    let document_error = |message: String| NrmlError::Document {
        file: file.to_owned(),
        message,
    };
    if root.tag() != "nrml" {
        let got = match root.namespace() {
            Some(ns) => format!("{{{ns}}}{}", root.tag()),
            None => root.tag().to_owned(),
        };
        return Err(document_error(format!(
            "expected a node of kind nrml, got {got}"
        )));
    }
    // OpenQuake reads logic trees and site models without a namespace, as NRML 0.5.
    let version = match root.namespace() {
        Some(NRML_0_4) => NrmlVersion::V0_4,
        Some(NRML_0_5) | None => NrmlVersion::V0_5,
        Some(other) => {
            return Err(document_error(format!(
                "unknown NRML namespace {other}, expected {NRML_0_5} or {NRML_0_4}"
            )));
        }
    };
    let model = model(root, version).map_err(|e| e.in_file(file))?;
    Ok(Document { version, model })
}

fn model(root: Elem, version: NrmlVersion) -> NodeResult<Model> {
    let mut children = root.children();
    let (Some(elem), None) = (children.next(), children.next()) else {
        return Err(root.error(format!(
            "expected one model element, found {}",
            root.children().count()
        )));
    };
    Ok(match elem.tag() {
        "sourceModel" => Model::SourceModel(source::source_model(elem, version)?),
        "logicTree" => Model::LogicTree(logic_tree::logic_tree(elem)?),
        "siteModel" => Model::SiteModel(site_model::site_model(elem)?),
        tag => Model::NotRead {
            tag: tag.to_owned(),
        },
    })
}

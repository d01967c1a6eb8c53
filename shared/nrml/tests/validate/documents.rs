//! Whole documents: the root element, namespaces, the model kinds, and the error forms.

use oqcloud_nrml::{Model, NrmlError, NrmlVersion, Validation, read, validate};

use super::{FILE, assert_invalid, assert_valid};

#[test]
fn the_root_must_be_nrml() {
    assert_eq!(
        validate("<?xml version=\"1.0\"?>\n<foo/>", "/tmp/x.xml"),
        Validation {
            error_msg: Some("/tmp/x.xml: expected a node of kind nrml, got foo".to_owned()),
            error_line: None,
            valid: false,
        }
    );
    let namespaced = validate("<foo xmlns=\"urn:x\"/>", FILE);
    assert_eq!(
        namespaced.error_msg.as_deref(),
        Some("test.xml: expected a node of kind nrml, got {urn:x}foo")
    );
}

#[test]
fn namespaces_give_the_version() {
    let model = "<exposureModel id=\"e\"/>";
    for (namespace, version) in [
        (
            " xmlns=\"http://openquake.org/xmlns/nrml/0.4\"",
            NrmlVersion::V0_4,
        ),
        (
            " xmlns=\"http://openquake.org/xmlns/nrml/0.5\"",
            NrmlVersion::V0_5,
        ),
        ("", NrmlVersion::V0_5),
    ] {
        let document = read(&format!("<nrml{namespace}>{model}</nrml>"), FILE).unwrap();
        assert_eq!(document.version, version);
    }
    let unknown = validate(&format!("<nrml xmlns=\"rml\">{model}</nrml>"), FILE);
    assert_eq!(
        unknown.error_msg.as_deref(),
        Some(
            "test.xml: unknown NRML namespace rml, expected http://openquake.org/xmlns/nrml/0.5 \
             or http://openquake.org/xmlns/nrml/0.4"
        )
    );
    assert_eq!(unknown.error_line, None);
}

#[test]
fn nrml_holds_one_model() {
    assert_invalid(
        "<?xml version=\"1.0\"?>\n<nrml xmlns=\"http://openquake.org/xmlns/nrml/0.5\"/>",
        2,
        "node nrml: expected one model element, found 0",
    );
    assert_invalid(
        "<nrml>\n<!-- two -->\n<logicTree/>\n<logicTree/>\n</nrml>",
        1,
        "node nrml: expected one model element, found 2",
    );
}

#[test]
fn other_models_are_accepted_unread() {
    for tag in [
        "exposureModel",
        "vulnerabilityModel",
        "fragilityModel",
        "consequenceModel",
        "ruptureCollection",
    ] {
        let xml = format!(
            "<nrml xmlns=\"http://openquake.org/xmlns/nrml/0.5\"><{tag}><anything x=\"1\"/></{tag}></nrml>"
        );
        assert_valid(&xml);
        assert_eq!(
            read(&xml, FILE).unwrap().model,
            Model::NotRead {
                tag: tag.to_owned()
            }
        );
    }
}

#[test]
fn errors_carry_file_and_line() {
    let error = read("<nrml>\n<siteModel/>\n</nrml>", "in/sites.xml").unwrap_err();
    assert_eq!(error.line(), Some(2));
    assert_eq!(
        error.to_string(),
        "node siteModel: the site model has no sites, line 2 of in/sites.xml"
    );
    assert_eq!(
        error.short_message(),
        "node siteModel: the site model has no sites"
    );
    let syntax = read("<nrml>\n</nrm>", "a.xml").unwrap_err();
    assert_eq!(
        syntax,
        NrmlError::Syntax {
            file: "a.xml".to_owned(),
            line: 2,
            message: "mismatched tag".to_owned(),
        }
    );
    assert_eq!(syntax.short_message(), "a.xml: 2: mismatched tag");
}

//! Logic trees: source model and GSIM trees, NRML 0.4 branching levels, and each check.

use oqcloud_nrml::{Model, read};

use super::{FILE, assert_invalid, assert_valid, replace};

const SOURCE_TREE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<nrml xmlns="http://openquake.org/xmlns/nrml/0.5">
  <logicTree logicTreeID="lt">
    <logicTreeBranchSet branchSetID="bs1" uncertaintyType="sourceModel">
      <logicTreeBranch branchID="b1">
        <uncertaintyModel>a.xml
            b.xml</uncertaintyModel>
        <uncertaintyWeight>0.6</uncertaintyWeight>
      </logicTreeBranch>
      <logicTreeBranch branchID="b2">
        <uncertaintyModel>c.xml</uncertaintyModel>
        <uncertaintyWeight>0.4</uncertaintyWeight>
      </logicTreeBranch>
    </logicTreeBranchSet>
    <logicTreeBranchSet branchSetID="bs2" uncertaintyType="maxMagGRRelative"
                        applyToBranches="b1">
      <logicTreeBranch branchID="b21">
        <uncertaintyModel>0.2</uncertaintyModel>
        <uncertaintyWeight>0.5</uncertaintyWeight>
      </logicTreeBranch>
      <logicTreeBranch branchID="b22">
        <uncertaintyModel>-0.2</uncertaintyModel>
        <uncertaintyWeight>0.5</uncertaintyWeight>
      </logicTreeBranch>
    </logicTreeBranchSet>
  </logicTree>
</nrml>
"#;

const GSIM_TREE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<nrml>
  <logicTree logicTreeID="gmc">
    <logicTreeBranchSet branchSetID="asc" uncertaintyType="gmpeModel"
                        applyToTectonicRegionType="Active Shallow Crust">
      <logicTreeBranch branchID="g1">
        <uncertaintyModel>BooreAtkinson2008</uncertaintyModel>
        <uncertaintyWeight>0.5</uncertaintyWeight>
        <uncertaintyWeight imt="PGA">0.2</uncertaintyWeight>
      </logicTreeBranch>
      <logicTreeBranch branchID="g2">
        <uncertaintyModel>[ChiouYoungs2014]
sigma_mu_epsilon = 1.0</uncertaintyModel>
        <uncertaintyWeight>0.5</uncertaintyWeight>
        <uncertaintyWeight imt="PGA">0.8</uncertaintyWeight>
      </logicTreeBranch>
    </logicTreeBranchSet>
    <logicTreeBranchSet branchSetID="scr" uncertaintyType="gmpeModel"
                        applyToTectonicRegionType="Stable Continental Crust">
      <logicTreeBranch branchID="g1">
        <uncertaintyModel>Campbell2003</uncertaintyModel>
        <uncertaintyWeight>1.0</uncertaintyWeight>
      </logicTreeBranch>
    </logicTreeBranchSet>
  </logicTree>
</nrml>
"#;

#[test]
fn trees_are_read() {
    let Model::LogicTree(tree) = read(SOURCE_TREE, FILE).unwrap().model else {
        panic!("not a logic tree");
    };
    assert_eq!(tree.id.as_deref(), Some("lt"));
    assert_eq!(tree.branch_sets.len(), 2);
    let first = &tree.branch_sets[0].branches[0];
    assert_eq!(first.model, "a.xml b.xml");
    assert_eq!((first.id.as_deref(), first.weight), (Some("b1"), 0.6));
    assert_eq!(tree.branch_sets[1].apply_to_branches, ["b1"]);

    // GSIM trees without a namespace, with per-IMT weights and IDs repeated across sets
    let Model::LogicTree(tree) = read(GSIM_TREE, FILE).unwrap().model else {
        panic!("not a logic tree");
    };
    let set = &tree.branch_sets[0];
    assert_eq!(set.uncertainty_type, "gmpeModel");
    assert_eq!(set.branches[0].weight_for("PGA"), 0.2);
    assert_eq!(set.branches[0].weight_for("SA(1.0)"), 0.5);
    assert!(set.branches[1].model.starts_with("[ChiouYoungs2014]\n"));
}

#[test]
fn nrml_0_4_branching_levels() {
    let xml = SOURCE_TREE
        .replacen(
            "<logicTreeBranchSet",
            "<logicTreeBranchingLevel branchingLevelID=\"1\">\n<logicTreeBranchSet",
            2,
        )
        .replace(
            "</logicTreeBranchSet>",
            "</logicTreeBranchSet>\n</logicTreeBranchingLevel>",
        );
    let Model::LogicTree(tree) = read(&xml, FILE).unwrap().model else {
        panic!("not a logic tree");
    };
    assert_eq!(tree.branch_sets.len(), 2);
}

#[test]
fn each_check_names_its_element_and_line() {
    let cases: &[(&str, &str, &str, u32, &str)] = &[
        (
            SOURCE_TREE,
            "<uncertaintyWeight>0.4</uncertaintyWeight>",
            "<uncertaintyWeight>0.3</uncertaintyWeight>",
            4,
            "node logicTreeBranchSet: the branch weights sum up to 0.8999999999999999, not 1",
        ),
        (
            SOURCE_TREE,
            "<uncertaintyWeight>0.4</uncertaintyWeight>",
            "<uncertaintyWeight>1.4</uncertaintyWeight>",
            12,
            "node uncertaintyWeight: Could not convert uncertaintyWeight->probability",
        ),
        (
            SOURCE_TREE,
            "<uncertaintyWeight>0.4</uncertaintyWeight>",
            "",
            10,
            "node logicTreeBranch: missing element uncertaintyWeight",
        ),
        (
            SOURCE_TREE,
            "<uncertaintyModel>c.xml</uncertaintyModel>",
            "<uncertaintyModel> </uncertaintyModel>",
            11,
            "node uncertaintyModel: Could not convert uncertaintyModel->uncertainty_model: \
             empty value",
        ),
        (
            SOURCE_TREE,
            "<uncertaintyModel>c.xml</uncertaintyModel>",
            "",
            10,
            "node logicTreeBranch: missing element uncertaintyModel",
        ),
        (
            SOURCE_TREE,
            r#"uncertaintyType="maxMagGRRelative""#,
            r#"uncertaintyType="maxMagFoo""#,
            15,
            "Could not convert uncertaintyType->uncertainty_type: 'maxMagFoo' is not a known \
             uncertainty type",
        ),
        (
            SOURCE_TREE,
            r#"branchSetID="bs2""#,
            r#"branchSetID="bs1""#,
            15,
            "node logicTreeBranchSet: branchSetID 'bs1' is not unique",
        ),
        (
            SOURCE_TREE,
            r#"branchSetID="bs2""#,
            "",
            15,
            "node logicTreeBranchSet: missing attribute branchSetID",
        ),
        (
            SOURCE_TREE,
            r#"branchID="b22""#,
            r#"branchID="b1""#,
            21,
            "node logicTreeBranch: branchID 'b1' is not unique",
        ),
        (
            SOURCE_TREE,
            r#"branchID="b22""#,
            "",
            21,
            "node logicTreeBranch: missing attribute branchID",
        ),
        (
            SOURCE_TREE,
            r#"applyToBranches="b1""#,
            r#"applyToBranches="b1 b9""#,
            15,
            "applyToBranches refers to 'b9', which is not an earlier branch",
        ),
        (
            SOURCE_TREE,
            "<uncertaintyWeight>0.4</uncertaintyWeight>",
            "<uncertaintyWeight>0.4</uncertaintyWeight>\n<uncertaintyWeight>0.4</uncertaintyWeight>",
            13,
            "node uncertaintyWeight: missing attribute imt",
        ),
        (
            SOURCE_TREE,
            "<logicTreeBranch branchID=\"b21\">",
            "<foo/><logicTreeBranch branchID=\"b21\">",
            17,
            "node foo: unexpected foo in a branch set (expected logicTreeBranch)",
        ),
        (
            GSIM_TREE,
            r#"<uncertaintyWeight imt="PGA">0.8</uncertaintyWeight>"#,
            r#"<uncertaintyWeight imt="PGA">0.7</uncertaintyWeight>"#,
            4,
            "the branch weights for PGA sum up to 0.8999999999999999, not 1",
        ),
        (
            GSIM_TREE,
            "<uncertaintyWeight>0.5</uncertaintyWeight>\n        <uncertaintyWeight imt=\"PGA\">0.2",
            "<uncertaintyWeight imt=\"PGA\">0.2",
            8,
            "node uncertaintyWeight: the first uncertaintyWeight must not have an imt attribute",
        ),
        (
            GSIM_TREE,
            r#"<uncertaintyWeight imt="PGA">0.2</uncertaintyWeight>"#,
            r#"<uncertaintyWeight imt="PGA">0.2</uncertaintyWeight><uncertaintyWeight imt="PGA">0.2</uncertaintyWeight>"#,
            9,
            "node uncertaintyWeight: a second weight for PGA",
        ),
        (
            GSIM_TREE,
            r#"applyToTectonicRegionType="Stable Continental Crust""#,
            r#"applyToTectonicRegionType="Active Shallow Crust""#,
            18,
            "a second gmpeModel branch set for applyToTectonicRegionType 'Active Shallow Crust'",
        ),
        (
            GSIM_TREE,
            r#"applyToTectonicRegionType="Stable Continental Crust""#,
            "",
            18,
            "a gmpeModel branch set needs applyToTectonicRegionType",
        ),
        (
            GSIM_TREE,
            "<uncertaintyModel>Campbell2003</uncertaintyModel>",
            "<uncertaintyModel></uncertaintyModel>",
            21,
            "node uncertaintyModel: Could not convert uncertaintyModel->uncertainty_model",
        ),
    ];
    for &(base, old, new, line, fragment) in cases {
        assert_invalid(&replace(base, old, new), line, fragment);
    }
}

#[test]
fn empty_trees_and_sets_are_rejected() {
    assert_invalid(
        "<nrml xmlns=\"http://openquake.org/xmlns/nrml/0.5\">\n<logicTree/>\n</nrml>",
        2,
        "node logicTree: the logic tree has no branch sets",
    );
    assert_invalid(
        "<nrml>\n<logicTree>\n<logicTreeBranchSet branchSetID=\"a\" \
         uncertaintyType=\"sourceModel\"/>\n</logicTree>\n</nrml>",
        3,
        "node logicTreeBranchSet: the branch set has no branches",
    );
    assert_invalid(
        "<nrml>\n<logicTree>\n<branchSet/>\n</logicTree>\n</nrml>",
        3,
        "node branchSet: unexpected branchSet in a logicTree",
    );
}

#[test]
fn variants_openquake_accepts() {
    // an extendModel branch may add nothing; GSIM branches need no branchID
    let extend = replace(
        SOURCE_TREE,
        r#"uncertaintyType="maxMagGRRelative""#,
        r#"uncertaintyType="extendModel""#,
    );
    assert_valid(&replace(
        &extend,
        "<uncertaintyModel>0.2</uncertaintyModel>",
        "<uncertaintyModel>\n</uncertaintyModel>",
    ));
    assert_valid(&GSIM_TREE.replace(r#" branchID="g1""#, ""));
}

/// GSIM parameters given as attributes of the model (the older form) join its TOML form.
#[test]
fn gsim_parameters_as_attributes() {
    let models = |xml: &str| -> Vec<String> {
        let Model::LogicTree(tree) = read(xml, FILE).unwrap().model else {
            panic!("not a logic tree");
        };
        tree.branch_sets[0]
            .branches
            .iter()
            .map(|b| b.model.clone())
            .collect()
    };
    let xml = replace(
        GSIM_TREE,
        "<uncertaintyModel>BooreAtkinson2008</uncertaintyModel>",
        r#"<uncertaintyModel gmpe_table="t.hdf5">GMPETable</uncertaintyModel>"#,
    );
    let xml = replace(
        &xml,
        "<uncertaintyModel>[ChiouYoungs2014]",
        r#"<uncertaintyModel ordinal="1">[ChiouYoungs2014]"#,
    );
    assert_eq!(
        models(&xml),
        [
            "[GMPETable]\ngmpe_table = \"t.hdf5\"",
            "[ChiouYoungs2014]\nsigma_mu_epsilon = 1.0\nordinal = \"1\"",
        ]
    );
}

/// Many IMT weights, in one branch or one in each branch, are checked in linear time
/// (checking each IMT against every branch took seconds for a megabyte).
#[test]
fn many_imt_weights() {
    let pga = r#"<uncertaintyWeight imt="PGA">0.2</uncertaintyWeight>"#;
    let weights: String = (0..20_000)
        .map(|i| format!(r#"<uncertaintyWeight imt="SA({i})">0.5</uncertaintyWeight>"#))
        .collect();
    assert_valid(&replace(GSIM_TREE, pga, &format!("{pga}{weights}")));

    // 2^14 branches, each weighing 2^-14 (exactly) for every IMT
    let n = 1 << 14;
    let branches: String = (0..n)
        .map(|i| {
            format!(
                r#"<logicTreeBranch><uncertaintyModel>Campbell2003</uncertaintyModel>
                <uncertaintyWeight>{w}</uncertaintyWeight>
                <uncertaintyWeight imt="SA({i})">{w}</uncertaintyWeight></logicTreeBranch>"#,
                w = 1.0 / f64::from(n)
            )
        })
        .collect();
    let one = r#"<logicTreeBranch branchID="g1">
        <uncertaintyModel>Campbell2003</uncertaintyModel>
        <uncertaintyWeight>1.0</uncertaintyWeight>
      </logicTreeBranch>"#;
    assert_valid(&replace(GSIM_TREE, one, &branches));
}

#!/usr/bin/env python3
"""Copies the reference server's recorded exchanges that the conformance tests compare
against from ../shared/spec/fixtures/oq-3.26 into tests/data/oq-3.26, so a fresh clone
runs them without ../shared. Usage: tools/copy_fixtures.py"""
import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared/spec/fixtures/oq-3.26"
DEST = ROOT / "tests/data/oq-3.26"

NAMES = """
GET_engine_version GET_engine_latest_version GET_ini_defaults GET_available_gsims
GET_calc_list_full GET_calc_AreaSource_zip_status_while_complete
GET_calc_AreaSource_zip_info_while_complete GET_calc_AreaSource_zip_info_while_created
GET_calc_5_status_failed GET_calc_5_info_failed GET_calc_5_traceback_failed_scenario_risk
GET_calc_5_results_failed_job GET_calc_2_log_0-5 GET_calc_2_log_full GET_calc_2_log_size
GET_calc_2_results_classical GET_calc_2_result_list_classical GET_calc_2_datastore
GET_calc_classical_result_hcurves_csv GET_calc_classical_result_hmaps_csv
GET_calc_99999_info GET_calc_99999_status GET_calc_99999_results GET_calc_99999_datastore
GET_calc_99999_traceback GET_calc_99999_log_full GET_calc_abc_info_non_numeric
GET_calc_2_trailing_slash GET_calc_2_log_negative GET_calc_2_log_no_colon
GET_calc_2_abort_method_not_allowed
POST_calc_run_multipart_AreaSourceClassicalPSHA POST_calc_2_abort_not_running
POST_calc_99999_abort POST_calc_99999_remove POST_calc_remove_success
POST_calc_abort_executing_job POST_calc_10_abort_failed_job
POST_on_same_fs_match POST_on_same_fs_missing_file POST_on_same_fs_wrong_checksum
POST_on_same_fs_nonnumeric_checksum
POST_valid_bad_nrml_attr POST_valid_bad_nrml_value POST_valid_extra_suffix
POST_valid_good_nrml POST_valid_good_nrml_vulnerability POST_valid_malformed_xml
POST_valid_missing_xml_text POST_valid_not_nrml_root POST_valid_not_xml
POST_validate_zip_missing_archive POST_validate_zip_good POST_validate_zip_bad_param_value
OPTIONS_calc_run OPTIONS_calc_list OPTIONS_calc_2_abort
""".split()


def main():
    index = json.loads((SOURCE / "index.json").read_text())
    DEST.mkdir(parents=True, exist_ok=True)
    kept = {}
    for name in NAMES:
        if name not in index:
            raise SystemExit(f"no fixture {name}")
        entry = index[name]
        kept[name] = entry
        for key in ("body_file", "binary_file"):
            body = entry["response"].get(key)
            if body and (SOURCE / body).exists():
                shutil.copy(SOURCE / body, DEST / body)
    (DEST / "index.json").write_text(json.dumps(kept, indent=1, sort_keys=True) + "\n")
    print(f"copied {len(kept)} fixtures into {DEST.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

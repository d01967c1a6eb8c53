#!/usr/bin/env bash
# Seeds the fuzz corpora from the repository's own inputs and writes a token dictionary per
# target: corpus/nrml/ (every NRML file of tests/data, demos and the nrml tests, plus a site
# model), corpus/job_ini/ (every job.ini), both with the past crashes of corpus-regressions/;
# nrml.dict (tag and attribute names) and job_ini.dict (parameter names), both with edge
# numbers. Safe to rerun; corpus/ and *.dict are not committed.
set -euo pipefail
cd "$(dirname "$0")"
root=..

# copy <dir> <files...>: each file under a name made from its path, so names do not clash
copy() {
    local dir=$1
    shift
    mkdir -p "$dir"
    for file in "$@"; do
        local name=${file#"$root"/}
        cp "$file" "$dir/${name//\//_}"
    done
}

mapfile -t xml < <(find "$root/tests/data" "$root/demos" "$root/shared/nrml/tests" -name '*.xml' | sort)
copy corpus/nrml "${xml[@]}"
cat > corpus/nrml/site_model.xml <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<nrml xmlns="http://openquake.org/xmlns/nrml/0.5">
  <siteModel>
    <site lon="10.0" lat="45.0" vs30="760.0" vs30Type="measured" z1pt0="40.0" z2pt5="1.0"/>
    <site lon="10.1" lat="45.0" vs30="300.0" vs30Type="inferred" z1pt0="-999" backarc="true"/>
  </siteModel>
</nrml>
XML

# the inputs that once crashed a target, so fuzzing starts from them again
for target in nrml job_ini; do
    if [ -d "corpus-regressions/$target" ]; then
        mkdir -p "corpus/$target"
        cp corpus-regressions/"$target"/* "corpus/$target/"
    fi
done

mapfile -t ini < <(find "$root/tests/data" "$root/demos" -name '*.ini' | sort)
copy corpus/job_ini "${ini[@]}"

# numbers at the edges of what the readers convert (sizes, counts, floats)
numbers=(0 -1 1e308 -1e308 nan inf 4294967296 9223372036854775808 18446744073709551615)
{
    printf '%s\n' "${numbers[@]}"
    grep -ohE '<[A-Za-z_:][A-Za-z0-9_:.-]*' "${xml[@]}" | cut -c2-
    grep -ohE ' [A-Za-z_:][A-Za-z0-9_:.-]*="' "${xml[@]}" | cut -c2- | tr -d '="'
} | sort -u | sed 's/.*/"&"/' > nrml.dict
{
    printf '%s\n' "${numbers[@]}"
    grep -ohE 'Param \{ name: "[a-z0-9_]+"' "$root/shared/model/src/jobini/table.rs" | cut -d'"' -f2
} | sort -u | sed 's/.*/"&"/' > job_ini.dict

echo "corpus/nrml: $(ls corpus/nrml | wc -l) files, corpus/job_ini: $(ls corpus/job_ini | wc -l) files"
echo "nrml.dict: $(wc -l < nrml.dict) tokens, job_ini.dict: $(wc -l < job_ini.dict) tokens"

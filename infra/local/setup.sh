#!/usr/bin/env bash
# Creates the jobs table, bucket, run queue and mail identity at AWS_ENDPOINT_URL
# (idempotent: existing resources are left as they are). Settings: infra/local/env.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/local/env.sh
source infra/build-tools.sh
cargo run -q -p oqcloud-store-aws --bin oqcloud-aws-setup
echo "resources ready at $AWS_ENDPOINT_URL"

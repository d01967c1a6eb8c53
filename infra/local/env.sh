# The environment of the local AWS mode: moto_server on a loopback port and the resource
# names oqcloud uses. Sourced by setup.sh and up.sh; override any variable before.
export MOTO_PORT="${MOTO_PORT:-5000}"
export AWS_ENDPOINT_URL="${AWS_ENDPOINT_URL:-http://127.0.0.1:$MOTO_PORT}"
export AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-testing}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-testing}"
export OQCLOUD_JOBS_TABLE="${OQCLOUD_JOBS_TABLE:-oqcloud-jobs}"
export OQCLOUD_BUCKET="${OQCLOUD_BUCKET:-oqcloud}"
export OQCLOUD_QUEUE_URL="${OQCLOUD_QUEUE_URL:-$AWS_ENDPOINT_URL/123456789012/oqcloud-runs}"
export OQCLOUD_MAIL_FROM="${OQCLOUD_MAIL_FROM:-oqcloud@example.com}"

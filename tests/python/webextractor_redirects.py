#!/usr/bin/env python3
"""OpenQuake's own WebExtractor against an oqcloud server in AWS mode that answers every
extract and the datastore with a redirect to a presigned S3 URL: requests follows them, and
the arrays equal those a server answering inline gives for the same calculation.

usage: webextractor_redirects.py REDIRECTING_SERVER INLINE_SERVER CALC_ID DATASTORE_COPY

Run by tests/aws_mode.rs with the reference engine's Python. Dumps the datastore (through
its redirect) to DATASTORE_COPY for the test to compare. Exits non-zero, with the reason,
when an array is missing or different."""
import os
import sys

import numpy
from openquake.calculators.extract import WebExtractor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webextractor import SPECS, members  # noqa: E402


def main(redirecting, inline, calc_id, copy):
    via_s3 = WebExtractor(calc_id, server=redirecting, username='', password='')
    direct = WebExtractor(calc_id, server=inline, username='', password='')
    assert vars(via_s3.oqparam) == vars(direct.oqparam)
    for spec in SPECS:
        ours, theirs = members(via_s3.get(spec)), members(direct.get(spec))
        assert sorted(ours) == sorted(theirs), (spec, sorted(ours), sorted(theirs))
        for name, want in theirs.items():
            numpy.testing.assert_array_equal(ours[name], want, err_msg='%s %s' % (spec, name))
        print('%s: %s, equal' % (spec, sorted(ours)))
    via_s3.dump(copy)
    via_s3.close()
    direct.close()


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])

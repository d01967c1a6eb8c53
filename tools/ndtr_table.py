"""Writes tests/data/gsim/ndtr.csv: scipy.special.ndtr on a grid of points, the values the
native engine's standard normal CDF must reproduce bit for bit (OpenQuake's truncated normal
PoEs are built on it). Run with the reference engine's Python."""

import numpy
import scipy
from scipy.special import ndtr


def main(path='tests/data/gsim/ndtr.csv'):
    xs = numpy.concatenate([
        numpy.linspace(-40, 40, 801), numpy.linspace(-1, 1, 201),
        # the switch between the algorithm's branches, at |x| = 1 after scaling by 1/sqrt(2)
        [-0.7071067811865476, 0.7071067811865476, 11.313708498984761, -11.313708498984761]])
    with open(path, 'w') as f:
        f.write('# scipy.special.ndtr (scipy %s), written by tools/ndtr_table.py\n'
                % scipy.__version__)
        f.write('x,ndtr\n')
        for x in xs:
            f.write('%r,%r\n' % (float(x), float(ndtr(x))))


if __name__ == '__main__':
    main()

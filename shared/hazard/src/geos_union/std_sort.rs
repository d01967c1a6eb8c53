//! libstdc++'s `std::sort`, whose order among equal keys GEOS's STR tree inherits.

/// Elements below this many are insertion-sorted (libstdc++'s `_S_threshold`).
const SORT_THRESHOLD: usize = 16;

/// libstdc++'s `std::sort` (introsort: median-of-three quicksort down to 16 elements,
/// heapsort past 2 log₂ n levels, then insertion sort), element moves and all, so that
/// equal keys end where GEOS's sort leaves them.
pub(super) fn std_sort<T: Copy>(v: &mut [T], less: impl Fn(&T, &T) -> bool + Copy) {
    if v.len() < 2 {
        return;
    }
    let depth = 2 * v.len().ilog2() as usize;
    introsort(v, depth, less);
    if v.len() > SORT_THRESHOLD {
        insertion_sort(&mut v[..SORT_THRESHOLD], less);
        for i in SORT_THRESHOLD..v.len() {
            unguarded_insert(v, i, less);
        }
    } else {
        insertion_sort(v, less);
    }
}

fn introsort<T: Copy>(mut v: &mut [T], mut depth: usize, less: impl Fn(&T, &T) -> bool + Copy) {
    while v.len() > SORT_THRESHOLD {
        if depth == 0 {
            heap_sort(v, less);
            return;
        }
        depth -= 1;
        let mid = v.len() / 2;
        let last = v.len() - 1;
        median_to_first(v, 1, mid, last, less);
        let cut = partition(v, less);
        let (left, right) = v.split_at_mut(cut);
        introsort(right, depth, less);
        v = left;
    }
}

/// Moves the median of `v[a]`, `v[b]`, `v[c]` to `v[0]`.
fn median_to_first<T: Copy>(
    v: &mut [T],
    a: usize,
    b: usize,
    c: usize,
    less: impl Fn(&T, &T) -> bool,
) {
    let median = if less(&v[a], &v[b]) {
        if less(&v[b], &v[c]) {
            b
        } else if less(&v[a], &v[c]) {
            c
        } else {
            a
        }
    } else if less(&v[a], &v[c]) {
        a
    } else if less(&v[b], &v[c]) {
        c
    } else {
        b
    };
    v.swap(0, median);
}

/// Hoare partition of `v[1..]` around the pivot `v[0]`: where the upper part starts.
fn partition<T: Copy>(v: &mut [T], less: impl Fn(&T, &T) -> bool) -> usize {
    let (mut first, mut last) = (1, v.len());
    loop {
        // (the median of three stops both scans in bounds, given a consistent order)
        while first < v.len() - 1 && less(&v[first], &v[0]) {
            first += 1;
        }
        last -= 1;
        while less(&v[0], &v[last]) {
            last -= 1;
        }
        if first >= last {
            return first;
        }
        v.swap(first, last);
        first += 1;
    }
}

fn insertion_sort<T: Copy>(v: &mut [T], less: impl Fn(&T, &T) -> bool + Copy) {
    for i in 1..v.len() {
        if less(&v[i], &v[0]) {
            v[..=i].rotate_right(1);
        } else {
            unguarded_insert(v, i, less);
        }
    }
}

/// Moves `v[i]` down past the greater elements before it (libstdc++ relies on one not
/// greater before them).
fn unguarded_insert<T: Copy>(v: &mut [T], mut i: usize, less: impl Fn(&T, &T) -> bool) {
    let value = v[i];
    while i > 0 && less(&value, &v[i - 1]) {
        v[i] = v[i - 1];
        i -= 1;
    }
    v[i] = value;
}

/// libstdc++'s heapsort (`make_heap` then `sort_heap`).
fn heap_sort<T: Copy>(v: &mut [T], less: impl Fn(&T, &T) -> bool + Copy) {
    let len = v.len();
    for parent in (0..len / 2).rev() {
        let value = v[parent];
        adjust_heap(v, parent, len, value, less);
    }
    for last in (1..len).rev() {
        let value = v[last];
        v[last] = v[0];
        adjust_heap(v, 0, last, value, less);
    }
}

/// Sifts the hole at `hole` down to a leaf along the greater children, then `value` up.
fn adjust_heap<T: Copy>(
    v: &mut [T],
    mut hole: usize,
    len: usize,
    value: T,
    less: impl Fn(&T, &T) -> bool,
) {
    let top = hole;
    let mut child = hole;
    while child < (len - 1) / 2 {
        child = 2 * (child + 1);
        if less(&v[child], &v[child - 1]) {
            child -= 1;
        }
        v[hole] = v[child];
        hole = child;
    }
    if len.is_multiple_of(2) && child == (len - 2) / 2 {
        child = 2 * (child + 1);
        v[hole] = v[child - 1];
        hole = child - 1;
    }
    while hole > top {
        let parent = (hole - 1) / 2;
        if !less(&v[parent], &value) {
            break;
        }
        v[hole] = v[parent];
        hole = parent;
    }
    v[hole] = value;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(key, id)` pairs in, the ids in libstdc++'s order out (g++ 12).
    fn check(sort: fn(&mut [(u8, u8)]), input: &str, expected: &[u8]) {
        let mut items: Vec<(u8, u8)> = input
            .split_whitespace()
            .map(|item| {
                let (key, id) = item.split_once(':').unwrap();
                (key.parse().unwrap(), id.parse().unwrap())
            })
            .collect();
        sort(&mut items);
        let ids: Vec<u8> = items.iter().map(|item| item.1).collect();
        assert_eq!(ids, expected);
    }

    #[test]
    fn equal_keys_end_where_libstdcxx_sort_leaves_them() {
        check(
            |v| std_sort(v, |a, b| a.0 < b.0),
            "1:0 1:1 0:2 0:3 1:4 1:5 0:6 0:7 0:8 1:9 0:10 1:11 0:12 1:13 1:14 1:15 0:16 1:17 \
             1:18 0:19 0:20 1:21 1:22 1:23 0:24 0:25 0:26 0:27 0:28 0:29 0:30 0:31 0:32 0:33 1:34",
            &[
                30, 24, 20, 19, 25, 26, 16, 27, 28, 29, 12, 10, 31, 8, 7, 6, 32, 33, 3, 2, 23, 17,
                34, 22, 21, 18, 0, 15, 14, 13, 11, 9, 5, 4, 1,
            ],
        );
    }

    /// The fallback past the depth limit, as `std::partial_sort(first, last, last)`.
    #[test]
    fn heapsort_leaves_equal_keys_as_libstdcxx() {
        check(
            |v| heap_sort(v, |a, b| a.0 < b.0),
            "1:0 0:1 3:2 2:3 0:4 3:5 2:6 3:7 2:8 0:9 3:10 0:11 2:12 2:13 2:14 3:15 1:16 2:17 3:18 2:19",
            &[
                4, 9, 1, 11, 16, 0, 3, 8, 17, 19, 12, 13, 6, 14, 7, 15, 18, 10, 2, 5,
            ],
        );
    }
}

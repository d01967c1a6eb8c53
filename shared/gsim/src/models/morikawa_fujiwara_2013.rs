//! Morikawa and Fujiwara (2013), "A new ground motion prediction equation for Japan
//! applicable up to M9 mega-earthquake", Journal of Disaster Research 8(5), 878-888, for
//! crustal, subduction interface and intraslab events, as published and in the variants of
//! the 2025 national seismic hazard model for Japan (NIED,
//! <https://www.j-shis.bosai.go.jp/en/labs/mf2013/>).
//!
//! The log10 motion (cm/s² for PGA and SA, cm/s for PGV) is the sum of a magnitude and
//! distance term (magnitude saturating at Mw 8.2), a deep-sediment term in z1pt4 and a
//! shallow-site term in vs30, plus, in the regional (NE, SW) models, the anomalous-intensity
//! correction of hypocentres deeper than 30 km, proportional to the signed distance of the
//! site from a volcanic front: the Pacific plate's in the north-east (NE) models; the
//! Philippine Sea plate's, at most 75 km, in the south-west (SW) models, for hypocentres at
//! 60 km or deeper only. SW intraslab events shallower than 80 km take the Philippine Sea
//! plate term. The published models' total sigma is a constant of the IMT.
//!
//! The 2025 model's restrictions apply, as in OpenQuake, to its intraslab models only (it
//! keys them on the hypocentre's zone, which it finds for those alone): the NE correction
//! tapered in from 35.5° to 36.5° north; the SW correction limited to sites west of 136.9°
//! east and to hypocentres in zones 4 and 5 of the Philippine Sea plate's slab, whose
//! events do not take the plate term.
//!
//! The 2025 model's total sigma depends on the PGV (cm/s) that Si and Midorikawa (1999)
//! predict for the event on rock (Vs30 600 m/s): 0.20 (log10) up to 25 cm/s, decreasing
//! linearly to 0.15 at 50 cm/s and beyond.

use std::sync::{Arc, LazyLock};

use crate::coeffs::{CoeffTable, table};
use crate::models::clip;
use crate::{
    Contexts, DistanceParam, Gsim, GsimError, Imt, ImtKind, Requirements, RuptureParam, SiteParam,
};
use oqcloud_geo::{ProjectedPolygon, rx_to_trace};

/// Magnitude above which the motion saturates (`Mw01`).
const MW01: f64 = 8.2;
/// Centre of the quadratic magnitude term (`Mw1`).
const MW1: f64 = 16.0;
/// Reference depth of the deep-sediment term (`D0`), m.
const D0: f64 = 300.0;
/// Exponent of the magnitude in the near-source saturation (`e`).
const E: f64 = 0.5;
/// Standard gravity, cm/s².
const G_CM: f64 = 980.665;

table!(
    /// Coefficients (Morikawa and Fujiwara 2013, table 2, as OpenQuake has them; `sigma`
    /// is the published models' total sigma, log10).
    COEFFS = "
    IMT        a        b1        b2        b3     c1     c2     c3        d        pd Dlmin        ps  Vsmax  V0      gNE       gSW      PH  sigma
    pga  -0.0321 -0.005315 -0.005042 -0.005605 7.0830 7.1181 7.5035 0.011641 -0.055358  15.0 -0.523212 1950.0 350 0.000076  0.000063 -0.2426 0.3761
    pgv  -0.0325 -0.002654 -0.002408 -0.003451 5.6952 5.6026 6.0030 0.002266  0.129142 105.0 -0.693402  850.0 350 0.000047  0.000037 -0.2643 0.3399
    0.05 -0.0321 -0.005912 -0.005674 -0.006231 7.2151 7.2759 7.6801 0.012812 -0.071415  15.0 -0.368827 2000.0 350 0.000088  0.000066 -0.2414 0.3938
    0.06 -0.0321 -0.006097 -0.005864 -0.006405 7.2852 7.3523 7.7504 0.014508 -0.081796  15.0 -0.309232 2000.0 350 0.000087  0.000066 -0.2427 0.4039
    0.07 -0.0321 -0.006142 -0.005967 -0.006507 7.3397 7.4152 7.8127 0.015574 -0.089891  15.0 -0.247786 2000.0 350 0.000086  0.000066 -0.2439 0.4149
    0.08 -0.0323 -0.006104 -0.006033 -0.006594 7.4122 7.4929 7.8938 0.016465 -0.093581  15.0 -0.234067 2000.0 350 0.000085  0.000066 -0.2451 0.4219
    0.09 -0.0325 -0.006112 -0.006079 -0.006689 7.4817 7.5649 7.9649 0.017390 -0.089604  15.0 -0.252853 2000.0 350 0.000084  0.000066 -0.2461 0.4259
    0.1  -0.0327 -0.006116 -0.006061 -0.006686 7.5396 7.6214 8.0219 0.018438 -0.084855  15.0 -0.284416 2000.0 350 0.000084  0.000066 -0.2470 0.4266
    0.11 -0.0324 -0.005998 -0.005971 -0.006576 7.5072 7.5947 7.9960 0.017396 -0.076412  15.0 -0.305700 2000.0 350 0.000083  0.000066 -0.2479 0.4256
    0.12 -0.0322 -0.005896 -0.005878 -0.006448 7.4920 7.5837 7.9782 0.016457 -0.076948  15.0 -0.351975 2000.0 350 0.000083  0.000066 -0.2486 0.4243
    0.13 -0.0321 -0.005786 -0.005757 -0.006331 7.4788 7.5645 7.9644 0.015607 -0.072886  15.0 -0.395130 2000.0 350 0.000082  0.000066 -0.2494 0.4229
    0.15 -0.0321 -0.005564 -0.005579 -0.006078 7.4630 7.5471 7.9360 0.014118 -0.061401  15.0 -0.461774 2000.0 350 0.000082  0.000066 -0.2506 0.4193
    0.17 -0.0321 -0.005398 -0.005382 -0.005813 7.4557 7.5245 7.9097 0.012855 -0.051288  15.0 -0.536789 2000.0 350 0.000081  0.000066 -0.2516 0.4162
    0.2  -0.0321 -0.005151 -0.005027 -0.005476 7.4307 7.4788 7.8719 0.011273 -0.043392  15.0 -0.633661 2000.0 350 0.000080  0.000065 -0.2528 0.4152
    0.22 -0.0322 -0.005000 -0.004827 -0.005204 7.4139 7.4461 7.8311 0.010380 -0.035431  15.0 -0.665914 2000.0 350 0.000080  0.000065 -0.2535 0.4130
    0.25 -0.0321 -0.004836 -0.004519 -0.004907 7.3736 7.3728 7.7521 0.009225 -0.032667  15.0 -0.719524 2000.0 350 0.000079  0.000065 -0.2543 0.4089
    0.3  -0.0321 -0.004543 -0.004095 -0.004621 7.2924 7.2797 7.6656 0.007670 -0.019984  15.0 -0.793002 2000.0 350 0.000078  0.000065 -0.2553 0.4063
    0.35 -0.0321 -0.004379 -0.003717 -0.004305 7.2417 7.1832 7.5796 0.006448 -0.010959  15.0 -0.845946 2000.0 350 0.000077  0.000065 -0.2559 0.4043
    0.4  -0.0321 -0.004135 -0.003342 -0.003989 7.1785 7.0883 7.4889 0.005464  0.003891  15.0 -0.875246 2000.0 350 0.000076  0.000065 -0.2562 0.4029
    0.45 -0.0321 -0.003973 -0.003063 -0.003934 7.1202 7.0100 7.4287 0.004657  0.017120  15.0 -0.892051 1973.0 350 0.000073  0.000065 -0.2564 0.4033
    0.5  -0.0321 -0.003767 -0.002832 -0.003783 7.0604 6.9439 7.3615 0.003986  0.030246  15.0 -0.891130 1900.0 350 0.000071  0.000065 -0.2564 0.4019
    0.6  -0.0321 -0.003389 -0.002450 -0.003351 6.9357 6.8166 7.2161 0.002946  0.057955  15.0 -0.869468 1779.9 350 0.000066  0.000065 -0.2561 0.4032
    0.7  -0.0321 -0.002981 -0.002059 -0.002988 6.8272 6.6957 7.0854 0.002193  0.071145  15.0 -0.873924 1684.3 350 0.000062  0.000059 -0.2555 0.4038
    0.8  -0.0321 -0.002640 -0.001692 -0.002587 6.7325 6.5864 6.9659 0.001641  0.089675  15.0 -0.846494 1605.7 350 0.000059  0.000054 -0.2547 0.4053
    0.9  -0.0325 -0.002341 -0.001445 -0.002421 6.6845 6.5349 6.9211 0.001234  0.109109  15.0 -0.814706 1539.4 350 0.000056  0.000049 -0.2538 0.4085
    1    -0.0327 -0.002138 -0.001322 -0.002331 6.6284 6.4748 6.8605 0.000936  0.128832  15.0 -0.778652 1482.4 350 0.000053  0.000045 -0.2527 0.4091
    1.1  -0.0331 -0.001912 -0.001140 -0.002194 6.5971 6.4383 6.8304 0.000723  0.146198  15.3 -0.732989 1432.7 350 0.000051  0.000041 -0.2516 0.4074
    1.2  -0.0337 -0.001790 -0.001053 -0.002213 6.5912 6.4200 6.8224 0.000576  0.161540  17.1 -0.703167 1388.7 350 0.000049  0.000038 -0.2505 0.4061
    1.3  -0.0339 -0.001671 -0.000979 -0.002159 6.5588 6.3848 6.7827 0.000482  0.171349  19.0 -0.686586 1349.5 350 0.000047  0.000035 -0.2493 0.4046
    1.5  -0.0347 -0.001516 -0.000811 -0.002020 6.5419 6.3510 6.7540 0.000417  0.195287  23.0 -0.650103 1282.1 350 0.000043  0.000030 -0.2469 0.4035
    1.7  -0.0352 -0.001526 -0.000714 -0.001909 6.5209 6.3011 6.7004 0.000471  0.220718  27.2 -0.602410 1225.9 350 0.000040  0.000025 -0.2444 0.4007
    2    -0.0359 -0.001604 -0.000673 -0.001576 6.4982 6.2617 6.6087 0.000703  0.253945  33.7 -0.543585 1156.6 350 0.000036  0.000019 -0.2407 0.3927
    2.2  -0.0365 -0.001516 -0.000610 -0.001349 6.4920 6.2463 6.5766 0.000702  0.270206  38.3 -0.505691 1117.8 350 0.000033  0.000015 -0.2382 0.3883
    2.5  -0.0375 -0.001457 -0.000586 -0.001266 6.4964 6.2485 6.5667 0.000826  0.291435  45.4 -0.458523 1067.8 350 0.000030  0.000010 -0.2346 0.3831
    3    -0.0382 -0.001345 -0.000505 -0.001105 6.4414 6.1858 6.4858 0.001202  0.323118  57.8 -0.413921 1000.3 350 0.000025  0.000003 -0.2288 0.3775
    3.5  -0.0384 -0.001270 -0.000512 -0.001000 6.3464 6.0849 6.3681 0.001647  0.355950  70.9 -0.375806  946.6 350 0.000022 -0.000003 -0.2232 0.3713
    4    -0.0385 -0.001075 -0.000610 -0.001005 6.2459 6.0035 6.2727 0.002087  0.380773  84.7 -0.348309  902.4 350 0.000018 -0.000008 -0.2178 0.3646
    4.5  -0.0389 -0.000904 -0.000605 -0.001061 6.1868 5.9423 6.2145 0.002489  0.405714  99.0 -0.309662  865.1 350 0.000015 -0.000012 -0.2126 0.3603
    5    -0.0393 -0.000739 -0.000564 -0.001155 6.1466 5.8960 6.1817 0.002841  0.419676 113.8 -0.294664  833.1 350 0.000015 -0.000012 -0.2077 0.3552
    5.5  -0.0398 -0.000570 -0.000626 -0.001254 6.1084 5.8725 6.1566 0.003139  0.434776 129.2 -0.289487  805.2 350 0.000015 -0.000012 -0.2029 0.3494
    6    -0.0402 -0.000456 -0.000702 -0.001317 6.0920 5.8536 6.1257 0.003384  0.453344 145.0 -0.290399  780.5 350 0.000015 -0.000012 -0.1983 0.3428
    6.5  -0.0405 -0.000308 -0.000785 -0.001361 6.0636 5.8218 6.0778 0.003580  0.455404 155.0 -0.281808  758.4 350 0.000015 -0.000012 -0.1939 0.3366
    7    -0.0410 -0.000195 -0.000856 -0.001392 6.0586 5.8197 6.0652 0.003728  0.440951 155.0 -0.283250  738.5 350 0.000015 -0.000012 -0.1896 0.3300
    7.5  -0.0412 -0.000109 -0.000880 -0.001413 6.0367 5.7971 6.0388 0.003833  0.427237 155.0 -0.275643  720.5 350 0.000015 -0.000012 -0.1855 0.3242
    8    -0.0417 -0.000100 -0.000908 -0.001466 6.0378 5.7885 6.0381 0.003898  0.410255 155.0 -0.277723  704.1 350 0.000015 -0.000012 -0.1814 0.3185
    8.5  -0.0419 -0.000100 -0.000940 -0.001496 6.0238 5.7674 6.0180 0.003927  0.393707 155.0 -0.278975  688.9 350 0.000015 -0.000012 -0.1775 0.3130
    9    -0.0420 -0.000100 -0.001012 -0.001488 5.9972 5.7463 5.9881 0.003924  0.378643 155.0 -0.284384  675.0 350 0.000015 -0.000012 -0.1737 0.3090
    9.5  -0.0423 -0.000100 -0.001098 -0.001485 5.9880 5.7507 5.9807 0.003890  0.363717 155.0 -0.290498  662.0 350 0.000015 -0.000012 -0.1701 0.3047
    10   -0.0427 -0.000100 -0.001179 -0.001498 5.9820 5.7595 5.9869 0.003828  0.348396 155.0 -0.298398  650.0 350 0.000015 -0.000012 -0.1665 0.3007
"
);

/// Volcanic front of the Pacific plate (NIED), (lon, lat) from south to north.
const PACIFIC_FRONT: [(f64, f64); 10] = [
    (141.6, 24.0),
    (140.2, 31.0),
    (139.7, 34.1),
    (138.7, 36.1),
    (140.1, 37.2),
    (141.0, 39.3),
    (141.2, 42.6),
    (145.0, 43.6),
    (146.9, 44.3),
    (150.0, 45.9),
];

/// Volcanic front of the Philippine Sea plate (NIED), (lon, lat) from west to east.
const PHILIPPINE_FRONT: [(f64, f64); 11] = [
    (122.0, 24.5),
    (124.0, 24.5),
    (128.3, 27.9),
    (129.7, 29.5),
    (130.8, 31.5),
    (131.6, 33.4),
    (132.0, 34.9),
    (133.7, 35.3),
    (134.9, 35.3),
    (136.9, 36.2),
    (138.7, 36.2),
];

/// Zone 4 of the Philippine Sea plate's slab in the hazard model (Kyushu).
const PHILIPPINE_ZONE_4: [(f64, f64); 13] = [
    (132.1330, 33.2170),
    (131.9170, 32.9330),
    (131.7000, 32.5330),
    (131.5170, 32.0170),
    (131.4830, 31.7830),
    (131.0830, 31.0670),
    (130.9000, 30.8170),
    (130.3000, 31.0500),
    (130.0000, 31.2670),
    (130.4000, 32.0000),
    (130.6000, 32.3670),
    (131.0000, 32.6500),
    (131.2830, 33.2670),
];

/// Zone 5 of the Philippine Sea plate's slab in the hazard model (Nansei islands).
const PHILIPPINE_ZONE_5: [(f64, f64); 27] = [
    (130.3000, 31.0500),
    (130.9000, 30.8170),
    (130.4670, 30.2500),
    (130.0670, 29.8000),
    (129.6000, 29.2330),
    (129.2000, 28.6000),
    (128.8000, 28.1000),
    (127.7670, 27.1000),
    (126.8170, 26.1000),
    (126.2670, 25.6000),
    (125.3000, 24.9670),
    (125.0000, 24.8500),
    (124.5000, 24.7170),
    (123.7000, 24.6330),
    (123.0000, 24.5330),
    (122.5000, 24.5500),
    (122.2330, 24.5500),
    (121.5000, 24.5500),
    (122.2330, 25.3330),
    (123.0000, 25.5000),
    (124.0000, 25.7670),
    (125.0000, 26.5000),
    (126.0000, 27.2670),
    (127.0000, 28.0000),
    (128.0000, 28.8170),
    (129.0000, 30.0000),
    (130.0000, 31.2670),
];

/// Zones 4 and 5 of the Philippine Sea plate, ready for containment tests.
static PHILIPPINE_ZONES: LazyLock<[ProjectedPolygon; 2]> = LazyLock::new(|| {
    [
        ProjectedPolygon::new(&PHILIPPINE_ZONE_4),
        ProjectedPolygon::new(&PHILIPPINE_ZONE_5),
    ]
});

/// The tectonic setting of a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setting {
    Crustal,
    Interface,
    Slab,
}

/// The region of a model: which volcanic front its anomalous-intensity correction measures
/// from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Region {
    /// North-east Japan (Pacific plate).
    NorthEast,
    /// South-west Japan (Philippine Sea plate).
    SouthWest,
}

/// A model of the family.
#[derive(Debug, Clone)]
pub struct MorikawaFujiwara2013 {
    name: &'static str,
    setting: Setting,
    /// `None`: no anomalous-intensity correction.
    region: Option<Region>,
    /// Whether it is a variant of the 2025 NIED model (its sigma and restrictions).
    nied: bool,
}

/// The models by OpenQuake name: setting, region, and whether a NIED variant.
const MODELS: [(&str, Setting, Option<Region>, bool); 11] = [
    ("MorikawaFujiwara2013Crustal", Setting::Crustal, None, false),
    (
        "MorikawaFujiwara2013SubInterface",
        Setting::Interface,
        None,
        false,
    ),
    (
        "MorikawaFujiwara2013SubInterfaceNE",
        Setting::Interface,
        Some(Region::NorthEast),
        false,
    ),
    (
        "MorikawaFujiwara2013SubInterfaceSW",
        Setting::Interface,
        Some(Region::SouthWest),
        false,
    ),
    ("MorikawaFujiwara2013SubSlab", Setting::Slab, None, false),
    (
        "MorikawaFujiwara2013SubSlabNE",
        Setting::Slab,
        Some(Region::NorthEast),
        false,
    ),
    (
        "MorikawaFujiwara2013SubSlabSW",
        Setting::Slab,
        Some(Region::SouthWest),
        false,
    ),
    (
        "MorikawaFujiwara2013SubInterfaceNENIED",
        Setting::Interface,
        Some(Region::NorthEast),
        true,
    ),
    (
        "MorikawaFujiwara2013SubInterfaceSWNIED",
        Setting::Interface,
        Some(Region::SouthWest),
        true,
    ),
    (
        "MorikawaFujiwara2013SubSlabNENIED",
        Setting::Slab,
        Some(Region::NorthEast),
        true,
    ),
    (
        "MorikawaFujiwara2013SubSlabSWNIED",
        Setting::Slab,
        Some(Region::SouthWest),
        true,
    ),
];

impl MorikawaFujiwara2013 {
    /// The model of the family that OpenQuake calls `name`.
    pub fn by_name(name: &str) -> Option<Self> {
        let &(name, setting, region, nied) = MODELS.iter().find(|m| m.0 == name)?;
        Some(Self {
            name,
            setting,
            region,
            nied,
        })
    }

    /// The signed distance (km) of each context's site from the region's volcanic front,
    /// positive on the front's right (OpenQuake's `xvf`), shared by the IMTs.
    fn front_distance(ctx: &Contexts, region: Region) -> Arc<[f64]> {
        let (name, front): (&'static str, &[(f64, f64)]) = match region {
            Region::NorthEast => (
                "MorikawaFujiwara2013: distance to the Pacific volcanic front",
                &PACIFIC_FRONT,
            ),
            Region::SouthWest => (
                "MorikawaFujiwara2013: distance to the Philippine Sea volcanic front",
                &PHILIPPINE_FRONT,
            ),
        };
        ctx.derived(name, |ctx| {
            ctx.lon
                .iter()
                .zip(&ctx.lat)
                .map(|(&lon, &lat)| rx_to_trace(front, lon, lat))
                .collect()
        })
    }

    /// The NIED total sigma (log10) of each context of subduction events, shared by the
    /// IMTs: from the PGV of Si and Midorikawa (1999) on rock, whose event-type term is
    /// -0.02 for interface and 0.12 for intraslab events.
    fn nied_sigma_log10(ctx: &Contexts, slab: bool) -> Arc<[f64]> {
        let (name, d) = if slab {
            ("MorikawaFujiwara2013: NIED sigma of intraslab events", 0.12)
        } else {
            (
                "MorikawaFujiwara2013: NIED sigma of interface events",
                -0.02,
            )
        };
        ctx.derived(name, |ctx| {
            (0..ctx.mag.len())
                .map(|i| {
                    let (mag, depth, rrup) = (ctx.mag[i].min(8.3), ctx.hypo_depth[i], ctx.rrup[i]);
                    let log10_pgv = 0.58 * mag + 0.0038 * depth + d
                        - 1.29
                        - (rrup + 0.0028 * 10f64.powf(0.5 * mag)).log10()
                        - 0.002 * rrup;
                    let pgv = 10f64.powf(log10_pgv);
                    if pgv <= 25.0 {
                        0.20
                    } else if pgv <= 50.0 {
                        0.20 - 0.05 * (pgv - 25.0) / 25.0
                    } else {
                        0.15
                    }
                })
                .collect()
        })
    }

    /// Whether each context's hypocentre lies in zone 4 or 5 of the Philippine Sea plate
    /// (1 or 0), shared by the IMTs.
    fn in_philippine_zones(ctx: &Contexts) -> Arc<[f64]> {
        ctx.derived(
            "MorikawaFujiwara2013: hypocentre in Philippine Sea zones 4 and 5",
            |ctx| {
                let zones = &*PHILIPPINE_ZONES;
                ctx.hypo_lon
                    .iter()
                    .zip(&ctx.hypo_lat)
                    .map(|(&lon, &lat)| {
                        f64::from(u8::from(zones.iter().any(|z| z.intersects(lon, lat))))
                    })
                    .collect()
            },
        )
    }
}

/// numpy's `maximum`: NaN when either is NaN.
fn maximum(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

/// numpy's `minimum`: NaN when either is NaN.
fn minimum(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.min(b)
    }
}

impl Gsim for MorikawaFujiwara2013 {
    fn name(&self) -> &str {
        self.name
    }

    fn requires(&self) -> Requirements {
        // the NIED variants find the hypocentre's zone
        let rupture: &[RuptureParam] = if self.nied {
            &[
                RuptureParam::Mag,
                RuptureParam::HypoDepth,
                RuptureParam::HypoLon,
                RuptureParam::HypoLat,
            ]
        } else {
            &[RuptureParam::Mag, RuptureParam::HypoDepth]
        };
        Requirements {
            rupture,
            site: &[
                SiteParam::Vs30,
                SiteParam::Z1pt4,
                SiteParam::Lon,
                SiteParam::Lat,
            ],
            distance: &[DistanceParam::Rrup],
        }
    }

    fn supported_imts(&self) -> &'static [ImtKind] {
        &[ImtKind::Pga, ImtKind::Pgv, ImtKind::Sa]
    }

    fn component(&self) -> crate::Component {
        crate::Component::GeometricMean
    }

    fn has_between_event_std(&self) -> bool {
        false
    }

    fn compute(
        &self,
        ctx: &Contexts,
        imt: &Imt,
        mean: &mut [f64],
        sig: &mut [f64],
        tau: &mut [f64],
        phi: &mut [f64],
    ) -> Result<(), GsimError> {
        let lens = [mean.len(), sig.len(), tau.len(), phi.len()];
        let n = crate::precheck(self, ctx, imt, lens)?;
        let slab = self.setting == Setting::Slab;
        let (b, c) = match self.setting {
            Setting::Crustal => ("b1", "c1"),
            Setting::Interface => ("b2", "c2"),
            Setting::Slab => ("b3", "c3"),
        };
        // gSW of a model without a region multiplies nothing
        let gamma = match self.region {
            Some(Region::NorthEast) => "gNE",
            _ => "gSW",
        };
        let [a, b, c, d, pd, dlmin, ps, vsmax, v0, gamma, ph, sigma] = CoeffTable::get(
            &COEFFS,
            self.name,
            imt,
            [
                "a", b, c, "d", "pd", "Dlmin", "ps", "Vsmax", "V0", gamma, "PH", "sigma",
            ],
        )?;
        let xvf = self.region.map(|region| Self::front_distance(ctx, region));
        let nied_sigma = self.nied.then(|| Self::nied_sigma_log10(ctx, slab));
        let south_west = self.region == Some(Region::SouthWest);
        // the 2025 model's restrictions, of intraslab events only
        let restricted = self.nied && slab;
        let in_zones = (restricted && south_west).then(|| Self::in_philippine_zones(ctx));
        let in_zone = |i: usize| in_zones.as_ref().is_some_and(|z| z[i] != 0.0);
        for i in 0..n {
            let (mag, rrup, depth) = (ctx.mag[i], ctx.rrup[i], ctx.hypo_depth[i]);
            let mw = if mag >= MW01 { MW01 } else { mag };
            let mut magnitude =
                a * (mw - MW1).powi(2) + b * rrup + c - (rrup + d * 10f64.powf(E * mw)).log10();
            // the Philippine Sea plate term of shallower south-western slab events
            if slab && south_west && depth < 80.0 && !in_zone(i) {
                magnitude += ph;
            }
            let basin = pd * (maximum(dlmin, ctx.z1pt4[i]) / D0).log10();
            let shallow = ps * (minimum(vsmax, ctx.vs30[i]) / v0).log10();
            let below_30 = maximum(depth - 30.0, 0.0);
            let anomalous = match (self.region, &xvf) {
                // tapered in over the degree of latitude north of 35.5°
                (Some(Region::NorthEast), Some(xvf)) if restricted => {
                    gamma * xvf[i] * below_30 * clip(ctx.lat[i] - 35.5, 0.0, 1.0)
                }
                (Some(Region::NorthEast), Some(xvf)) => gamma * xvf[i] * below_30,
                (Some(Region::SouthWest), Some(xvf)) => {
                    let excluded =
                        depth < 60.0 || (restricted && (ctx.lon[i] >= 136.9 || !in_zone(i)));
                    if excluded {
                        0.0
                    } else {
                        gamma * minimum(xvf[i], 75.0) * below_30
                    }
                }
                _ => 0.0,
            };
            let log10 = magnitude + basin + shallow + anomalous;
            mean[i] = match imt {
                Imt::Pgv => 10f64.powf(log10).ln(),
                _ => (10f64.powf(log10) / G_CM).ln(),
            };
            let sigma = nied_sigma.as_ref().map_or(sigma, |s| s[i]);
            sig[i] = sigma * std::f64::consts::LN_10;
            tau[i] = 0.0;
            phi[i] = 0.0;
        }
        Ok(())
    }
}

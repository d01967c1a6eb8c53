"""Rupture meshes of the fault demos (sampled)."""
import glob, pathlib, random
from openquake.hazardlib import nrml, sourceconverter
from openquake.hazardlib.geo.mesh import RectangularMesh

def demo_meshes(per_source=8, seed=1):
    rnd = random.Random(seed)
    conv = sourceconverter.SourceConverter(investigation_time=50., rupture_mesh_spacing=2.,
                                           complex_fault_mesh_spacing=2., width_of_mfd_bin=0.1,
                                           area_source_discretization=10.)
    out = []
    for path in sorted(glob.glob(str(pathlib.Path(__file__).resolve().parents[2] / '.venv-openquake/demos/hazard/*Fault*/source_model.xml'))):
        name = path.split('/')[-2]
        for sm in nrml.read_source_models([path], conv):
            for grp in sm.src_groups:
                for src in grp:
                    rups = list(src.iter_ruptures())
                    pick = rups if len(rups) <= per_source else rnd.sample(rups, per_source)
                    for r in pick:
                        surf = r.surface
                        surfs = getattr(surf, 'surfaces', [surf])
                        for s in surfs:
                            m = s.mesh
                            if isinstance(m, RectangularMesh) and m.lons.ndim == 2 and m.lons.shape[0] >= 2 and m.lons.shape[1] >= 2:
                                out.append((f'{name}:{src.source_id}', m))
    return out

if __name__ == '__main__':
    ms = demo_meshes()
    print(len(ms))
    for n, m in ms[:50]:
        print(n, m.lons.shape)

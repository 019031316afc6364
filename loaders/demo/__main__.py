"""``python -m loaders.demo``: rewrite the committed demo files in ``data/demo/``."""

from loaders.demo.build import generate
from store.settings import DEMO_DIR

for written in generate():
    print(written.relative_to(DEMO_DIR))

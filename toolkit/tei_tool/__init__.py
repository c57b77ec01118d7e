"""tei-tool: validate, publish and export TEI P5 scholarly editions."""

__version__ = "0.1.0"


def _defer_rnc2rng() -> None:
    """Let lxml find rnc2rng without loading it until a compact-syntax schema is read.

    lxml imports rnc2rng when it starts, and rnc2rng pulls in urllib, http
    and email: a third of the start-up time of a one-file validation.  The
    placeholder module runs rnc2rng's code the first time anything of
    rnc2rng proper is asked for. (The standard library's LazyLoader would
    not do: it loads on any attribute access, and lxml reads the module's
    dunder attributes as it imports it.)
    """
    import importlib.util
    import sys
    import types

    if "rnc2rng" in sys.modules:
        return
    spec = importlib.util.find_spec("rnc2rng")
    if spec is None or spec.loader is None:
        return

    class Deferred(types.ModuleType):
        def __getattr__(self, name):
            self.__class__ = types.ModuleType
            spec.loader.exec_module(self)
            return getattr(self, name)

    module = importlib.util.module_from_spec(spec)
    module.__class__ = Deferred
    sys.modules["rnc2rng"] = module


_defer_rnc2rng()

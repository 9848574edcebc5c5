"""A faithful RouterOS API simulator: real wire protocol, menus checked against the
RouterOS 7 command database, /file + /import of .rsc scripts, and fault injection.

Pure Python and asyncio; no Django. See docs/simulator.md.
"""

from .errors import Trap
from .faults import Faults, TrapRule
from .server import SimRouter, Simulator
from .state import RouterState

__all__ = ["Faults", "RouterState", "SimRouter", "Simulator", "Trap", "TrapRule"]

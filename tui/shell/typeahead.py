"""Provides type-ahead: every key reaches the place it was typed for, in order, however fast.

Textual hands a key to the focused widget's own queue and reads the next key at once. A key that
moves the focus (Tab), opens a screen (Ctrl+N) or saves a form therefore takes effect only after
the keys typed behind it were already handed to the old place: a burst such as Ctrl+N, a code,
Tab and a name lands in the screen underneath, or in the wrong field. Here the app delivers the
next key only when the one before it has been handled all the way (by the widget, its parents,
the screen and the app's bindings), and holds keys while a step is under way: a screen being
mounted or revealed, a save or a read running in a worker. Held keys are delivered, in the order
they were typed, to whatever has the focus once the step is done.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, cast

from textual import events
from textual.dom import DOMNode

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump
    from textual.timer import Timer
    from textual.worker import Worker

    from hecht.tui.app import HechtApp

STUCK_SECONDS = 20.0
"""When nothing moves for this long while keys are held, they go on anyway (a safety net only:
every step releases its hold when it ends, also when it fails)."""

P = ParamSpec("P")
N = TypeVar("N", bound=DOMNode)


class TypeAhead:
    """The app's keyboard queue: keys wait while a step is under way, then go on in order."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._waiting: deque[events.Event] = deque()
        self._holds = 0
        self._in_flight = 0
        """The number of the key being handled (0: none); a late marker of an earlier key is
        recognised by its number and changes nothing."""
        self._keys_handed = 0
        self._deliver: Callable[[events.Event], Any] | None = None
        self._watchdog: Timer | None = None

    @property
    def busy(self) -> bool:
        """Whether a key is being handled, a step holds the keys, or keys are waiting."""
        return bool(self._in_flight or self._holds or self._waiting)

    def attach(self, deliver: Callable[[events.Event], Any]) -> None:
        """Set how a key is handed on once its turn comes (the app's own event handling)."""
        self._deliver = deliver

    def takes(self, event: events.Event) -> bool:
        """Take a key or paste as it arrives from the terminal; False for anything else."""
        if not isinstance(event, events.Key | events.Paste) or event.is_forwarded:
            return False
        self._waiting.append(event)
        self._go_on()
        return True

    def hold(self) -> None:
        """Start a step: keys typed from now on wait until it ends (``release``)."""
        self._holds += 1
        self._watch()

    def release(self) -> None:
        """End a step; waiting keys go on once no other step holds them."""
        self._holds = max(0, self._holds - 1)
        self._watch()
        self._go_on()

    def drop_waiting(self) -> int:
        """Forget the keys that wait (typed after a failure, they were meant for what did not
        happen); return how many there were."""
        dropped = len(self._waiting)
        self._waiting.clear()
        return dropped

    def _go_on(self) -> None:
        """Hand on the next key soon, if nothing holds it."""
        if self._waiting and not (self._holds or self._in_flight):
            self._app.call_later(self._next)

    async def _next(self) -> None:
        """Hand on the oldest waiting key and follow it until it has been handled."""
        if self._in_flight or self._holds or not self._waiting or self._deliver is None:
            return
        event = self._waiting.popleft()
        self._keys_handed += 1
        key = self._in_flight = self._keys_handed
        self._watch()
        target = self._app.focused or self._app.screen
        chain = (*target.ancestors_with_self,)
        await self._deliver(event)
        self._follow(target, chain if chain[-1] is self._app else (*chain, self._app), key)

    def _follow(self, node: MessagePump, chain: tuple[MessagePump, ...], key: int) -> None:
        """Follow a key from the widget it was handed to, up to the app, until it is handled.

        A marker queued behind the key at a node runs once the node has handled it; what the
        node did with the key is queued behind the marker (a message it sent, the key passed on
        to its parent), so the marker waits until the node's queue is empty, then moves up. At
        the app the key's binding may have run, and a binding acts on the widget that holds it
        (an Input's Enter sends ``Submitted`` from the Input): so the walk starts again at the
        first node of the chain that is busy, and ends when the app and the whole chain are idle.
        """
        if key != self._in_flight:
            return  # the key was settled already (the safety net fired)
        if node.is_running and _busy(node) and node.call_later(self._follow, node, chain, key):
            return
        if node is not self._app:
            self._follow(chain[chain.index(node) + 1], chain, key)
            return
        busy = [member for member in chain if member.is_running and _busy(member)]
        if busy:
            self._follow(busy[0], chain, key)
        else:
            self._in_flight = 0
            self._watch()
            self._go_on()

    def _watch(self) -> None:
        """Keep the safety net armed while a step or a key is under way, and only then."""
        if not (self._holds or self._in_flight):
            if self._watchdog is not None:
                self._watchdog.stop()
                self._watchdog = None
        elif self._watchdog is None:
            self._watchdog = self._app.set_timer(STUCK_SECONDS, self._unstick)
        else:
            self._watchdog.reset()

    def _unstick(self) -> None:
        """Nothing happened for ``STUCK_SECONDS`` while the keys were held: let them go on."""
        self._watchdog = None
        self._holds, self._in_flight = 0, 0
        self._go_on()


def _busy(node: MessagePump) -> bool:
    """Whether a node's queue still holds messages (Textual keeps no public count of them)."""
    return not node._message_queue.empty()


def holding_keys(
    *, group: str
) -> Callable[[Callable[Concatenate[N, P], None]], Callable[Concatenate[N, P], Worker[None]]]:
    """Run a method in a worker thread, as ``@work(thread=True)`` does, holding the keys meanwhile.

    For work that ends in a change of screen or focus (a save that closes a form, a read that
    opens a screen): keys typed while it runs wait for its result. The hold ends when the method
    returns or fails, after anything it did through ``call_from_thread``.
    """

    def decorator(
        method: Callable[Concatenate[N, P], None],
    ) -> Callable[Concatenate[N, P], Worker[None]]:
        @wraps(method)
        def start(node: N, /, *args: P.args, **kwargs: P.kwargs) -> Worker[None]:
            app = node.app
            keys = cast("HechtApp", app).typeahead
            keys.hold()

            def body() -> None:
                try:
                    method(node, *args, **kwargs)
                finally:
                    try:
                        app.call_from_thread(keys.release)
                    except RuntimeError:  # the app has closed meanwhile
                        pass

            return node.run_worker(body, thread=True, group=group)

        return start

    return decorator

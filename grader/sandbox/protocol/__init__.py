"""The wire between the trusted grader and a sandboxed student process.

Standalone on purpose (standard library and NumPy; Keras only where it is already imported):
the sandbox runs a copy of this package beside ``child.py`` and sees nothing else of the
grader but its public core (the student's own copy). Its parts, each with its message shapes:

- :mod:`.peer`: the loop. Length-prefixed JSON requests and replies; both sides serve
  requests while they wait for an answer; deadlines and size bounds.
- :mod:`.codec`: values as JSON (and ``.npy`` files for large arrays), never pickle.
- :mod:`.proxies`: what stays where it lives (a function, an instance, a generator) travels as
  a handle and is used through a :class:`Remote` proxy.
- :mod:`.identity`: after a call, the objects it was given are the caller's own, changed in
  place or rebound as in one process.
- :mod:`.floats`: the caller's NumPy error state holds in the callee; the callee's warnings
  are issued again on the caller's side.
- :mod:`.keras_transfer`: Keras models (``.keras`` files, loaded in safe mode by the grader)
  and training histories.
- :mod:`.errors`: the machinery's exceptions and an exception that crosses the wire.
"""
from .codec import Codec
from .errors import DeadlineExceeded, PeerGone, ProtocolError, Refused, RemoteError, TooLarge, remote_error, \
    student_frame
from .floats import errstate_of, reissue_warnings, warning_records
from .keras_transfer import custom_class_error
from .peer import Peer, reply_bounds
from .proxies import Remote, RemoteIterator, RemoteMapping, RemoteSequence, SyncedDict

__all__ = ["Codec", "DeadlineExceeded", "PeerGone", "ProtocolError", "Refused", "RemoteError", "TooLarge",
           "remote_error", "student_frame", "errstate_of", "reissue_warnings", "warning_records",
           "custom_class_error", "Peer", "reply_bounds", "Remote", "RemoteIterator", "RemoteMapping",
           "RemoteSequence", "SyncedDict"]

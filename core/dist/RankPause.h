#pragma once

namespace neurino {

class DistGroup;
class StopToken;

// Pausing a data-parallel run, collectively. Each step's all-reduce carries whether a rank's StopToken is
// paused; when any is, every rank calls holdWhilePaused at the same step boundary, and they wait together,
// agreeing every tenth of a second through a small all-reduce (so that no collective times out however
// long the pause), until no rank is paused any more or one was asked to stop. A stop asked for during the
// pause is then seen by the next step's all-reduce, as any stop.
void holdWhilePaused(DistGroup& group, const StopToken* stop);

} // namespace neurino

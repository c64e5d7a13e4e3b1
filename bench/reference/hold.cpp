// The hold model on std::priority_queue: the C++ reference for bench/hold.ts (see BENCHMARKS.md).
//   g++ -O2 -std=c++17 hold.cpp -o hold && ./hold <pending> <warmup> <timed> <seed>
// prints one JSON line. std::priority_queue cannot remove an element, so cancelling bumps the
// entity's generation and the stale entry is skipped when it reaches the top.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <queue>
#include <random>
#include <utility>
#include <vector>

namespace {

struct Event {
  double time;
  uint64_t seq;
  uint32_t entity;
  uint32_t generation;
};

// std::priority_queue keeps the greatest on top, so "later" puts the earliest (time, seq) there.
struct Later {
  bool operator()(const Event& a, const Event& b) const {
    return a.time > b.time || (a.time == b.time && a.seq > b.seq);
  }
};

struct Hold;
using Callback = void (*)(Hold&, uint32_t);

struct Hold {
  std::priority_queue<Event, std::vector<Event>, Later> queue;
  std::vector<uint32_t> generation;
  double now = 0;
  uint64_t seq = 0;
  uint64_t fired = 0;
  uint64_t cancelled = 0;
  Callback callback = nullptr;
  std::mt19937_64 rng;
  std::exponential_distribution<double> delay{1.0};
  std::uniform_real_distribution<double> unit{0.0, 1.0};
  std::uniform_int_distribution<uint32_t> pick;

  Hold(uint32_t pending, uint64_t seed, Callback fire)
      : queue(Later{}, reserved(pending)),
        generation(pending, 0),
        callback(fire),
        rng(seed),
        pick(0, pending - 1) {}

  static std::vector<Event> reserved(uint32_t pending) {
    std::vector<Event> storage;
    storage.reserve(pending + pending / 4);  // room for the stale entries of cancelled events
    return storage;
  }

  void schedule(uint32_t entity, double after) {
    queue.push(Event{now + after, seq++, entity, generation[entity]});
  }

  void cancel(uint32_t entity) {
    ++generation[entity];
    ++cancelled;
  }

  // Fires `count` live events. Kept out of line so that the callback stays an indirect call
  // through the stored pointer, like a kernel that does not know its models.
  __attribute__((noinline)) void run(uint64_t count) {
    const uint64_t target = fired + count;
    while (fired < target) {
      const Event event = queue.top();
      queue.pop();
      if (event.generation != generation[event.entity]) continue;  // cancelled
      now = event.time;
      ++fired;
      callback(*this, event.entity);
    }
  }
};

void fire(Hold& hold, uint32_t entity) {
  hold.schedule(entity, hold.delay(hold.rng));
  if (hold.unit(hold.rng) < 0.1) {
    const uint32_t other = hold.pick(hold.rng);
    hold.cancel(other);
    hold.schedule(other, hold.delay(hold.rng));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: hold <pending> <warmup> <timed> <seed>\n");
    return 2;
  }
  const auto pending = static_cast<uint32_t>(std::strtoul(argv[1], nullptr, 10));
  const uint64_t warmup = std::strtoull(argv[2], nullptr, 10);
  const uint64_t timed = std::strtoull(argv[3], nullptr, 10);
  const uint64_t seed = std::strtoull(argv[4], nullptr, 10);
  if (pending == 0) {
    std::fprintf(stderr, "pending must be at least 1\n");
    return 2;
  }

  Hold hold(pending, seed, fire);
  for (uint32_t entity = 0; entity < pending; ++entity) hold.schedule(entity, hold.delay(hold.rng));
  hold.run(warmup);
  const uint64_t cancelledBefore = hold.cancelled;

  const auto started = std::chrono::steady_clock::now();
  hold.run(timed);
  const auto finished = std::chrono::steady_clock::now();
  const double seconds = std::chrono::duration<double>(finished - started).count();

  std::printf(
      "{\"pending\":%u,\"warmup\":%llu,\"events\":%llu,\"cancelled\":%llu,\"seconds\":%.9f,"
      "\"simTime\":%.9f}\n",
      pending, static_cast<unsigned long long>(warmup), static_cast<unsigned long long>(timed),
      static_cast<unsigned long long>(hold.cancelled - cancelledBefore), seconds, hold.now);
  return 0;
}

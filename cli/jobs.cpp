#include "jobs.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace pyasm::cli {

namespace {

// A job that throws (out of memory, a file system error) fails its file only.
JobResult guarded(const std::function<JobResult(size_t)>& job, size_t i) {
  try {
    return job(i);
  } catch (const std::exception& e) {
    return {1, std::string("pyasm: error: ") + e.what() + "\n"};
  }
}

void print(const JobResult& r) {
  std::cerr << r.messages;
  std::cerr.flush();
}

}  // namespace

int run_jobs(size_t count, unsigned jobs, const std::function<JobResult(size_t)>& job) {
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  int status = 0;
  if (jobs == 1 || count <= 1) {
    for (size_t i = 0; i < count; ++i) {
      JobResult r = guarded(job, i);
      print(r);
      status = std::max(status, r.status);
    }
    return status;
  }
  std::vector<std::optional<JobResult>> done(count);
  std::mutex mu;
  std::condition_variable ready;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < count; i = next++) {
      JobResult r = guarded(job, i);
      std::lock_guard lock(mu);
      done[i] = std::move(r);
      ready.notify_all();
    }
  };
  std::vector<std::jthread> workers;
  for (unsigned w = 0; w < std::min<size_t>(jobs, count); ++w) workers.emplace_back(worker);
  // Print each file's messages as soon as every file before it is done.
  for (size_t i = 0; i < count; ++i) {
    JobResult r;
    {
      std::unique_lock lock(mu);
      ready.wait(lock, [&] { return done[i].has_value(); });
      r = std::move(*done[i]);
      done[i].reset();
    }
    print(r);
    status = std::max(status, r.status);
  }
  return status;
}

}  // namespace pyasm::cli

// Many inputs, N at a time (-j N): each job runs on a worker thread and keeps
// what it has to say; the messages come out in input order, each file's
// together, whatever order the jobs finish in.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace pyasm::cli {

struct JobResult {
  int status = 0;
  std::string messages;  // for standard error
};

// Runs job(0) .. job(count - 1), `jobs` at a time (0: one per CPU), printing
// each result's messages in index order. Returns the highest status.
int run_jobs(size_t count, unsigned jobs, const std::function<JobResult(size_t)>& job);

}  // namespace pyasm::cli

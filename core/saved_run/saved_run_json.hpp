#pragma once

// A saved run's description: everything but its events, as JSON (nlohmann-json, integers exact). Internal
// to core/saved_run/.

#include "core/saved_run/saved_run.hpp"

#include <string>
#include <string_view>

namespace forkscope::core {

/// `run` without its events' rows (their counts are in the rows' part of the file).
std::string savedRunDescription(const SavedRun &run);
/// Reads a description into `run` (its recordings get their results, not yet their events); "" or what is
/// wrong.
std::string parseSavedRunDescription(std::string_view text, SavedRun &run);

} // namespace forkscope::core

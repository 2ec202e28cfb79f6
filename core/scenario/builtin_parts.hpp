#pragma once

// Parts the built-in scenarios are made of: their common parameters, small step makers and the plans two
// lessons share. Private to core/scenario/.

#include "core/scenario/scenarios.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace forkscope::core::builtin {

/// The bank's balance before any update (what every trial should end with).
inline constexpr std::int64_t kBankStart = 100;

int usableCores();
std::string formatNumber(double v);
ParamSpec kindParam(std::vector<std::string> choices, std::string def);
ParamSpec workersParam(int def);
ParamSpec sleepParam(double def);
ParamSpec joinParam(bool def);
ParamSpec timeScaleParam();
WorkerKind kindFrom(const std::string &kind);
Plan sleepersPlan(const std::string &id, const ParamSet &p, const std::string &kind, bool join);
Plan doublingPlan(const std::string &id, const ParamSet &p, bool shared);
Step op(StepOp o, std::int64_t count = 0, std::string text = {}, double seconds = 0);
std::uint32_t ringFor(std::size_t events);
ParamSpec poolKindParam();
Step print(std::string text);
Step sleepFor(double seconds);

// One function per built-in scenario, grouped by lesson in builtin_*.cpp.
Scenario sleepersScenario();
Scenario noJoinScenario();
Scenario squareCubeScenario();
Scenario processTableScenario();
Scenario memoryIsolationScenario();
Scenario sharedValueScenario();
Scenario globalListScenario();
Scenario sharedArrayScenario();
Scenario arrayOverflowScenario();
Scenario bankScenario();
Scenario cpuVsIoScenario();
Scenario producerConsumerScenario();
Scenario queueWorkersScenario();
Scenario pipeScenario();
Scenario poolMapScenario();
Scenario futuresScenario();

} // namespace forkscope::core::builtin

#pragma once

// Level of detail for lost updates: each lane's lost writes in time order, with the extent of all marks and
// the widest one. A whole-run frame of a big run folds its lost updates into a few crosses per row with a
// count each ("12 lost"); with these a frame finds each cross's count by binary search per lane instead of
// walking every mark (ui/timeline/lost_updates_pass.cpp). Built once, when the model finds its lost updates
// (TimelineModel::finish); plain C++, no Qt.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace forkscope::ui {

struct LostUpdateMark;

struct LostUpdateLanes {
    std::vector<std::vector<std::int64_t>> atNs; ///< per lane, its lost writes' times, sorted
    std::int64_t earliestBegin = std::numeric_limits<std::int64_t>::max(); ///< of any mark (beginNs)
    std::int64_t latestEnd = std::numeric_limits<std::int64_t>::min();     ///< of any mark (endNs)
    std::int64_t widest = 0; ///< the longest endNs − beginNs of a mark

    /// From the model's marks (LostUpdateMark is defined in ui/timeline_model.hpp, which includes this).
    template <typename Marks>
    void build(const Marks &marks, std::size_t laneCount)
    {
        clear();
        atNs.resize(laneCount);
        for (const auto &mark : marks) {
            if (mark.lost.lane >= atNs.size())
                atNs.resize(mark.lost.lane + 1);
            atNs[mark.lost.lane].push_back(mark.lost.atNs);
            earliestBegin = std::min(earliestBegin, mark.beginNs());
            latestEnd = std::max(latestEnd, mark.endNs());
            widest = std::max(widest, mark.endNs() - mark.beginNs());
        }
        for (std::vector<std::int64_t> &times : atNs)
            std::sort(times.begin(), times.end());
    }
    void clear()
    {
        atNs.clear();
        earliestBegin = std::numeric_limits<std::int64_t>::max();
        latestEnd = std::numeric_limits<std::int64_t>::min();
        widest = 0;
    }
};

} // namespace forkscope::ui

#include "core/scenario/scenario_copy.hpp"

#include "core/export/output_file.hpp"
#include "core/scenario/json_source.hpp"

#include <filesystem>

namespace forkscope::core {

namespace {

bool validId(const std::string &id)
{
    if (id.empty() || id[0] < 'a' || id[0] > 'z')
        return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    return true;
}

} // namespace

std::string copyIdForPath(const std::string &path, std::string &error)
{
    namespace fs = std::filesystem;
    const fs::path p(path);
    if (p.extension() != ".json") {
        error = "a scenario file's name ends in .json (got '" + p.filename().string() + "')";
        return {};
    }
    std::string id = p.stem().string();
    if (!validId(id)) {
        error
            = "the file's name becomes the scenario's id: lower case letters, digits, '-' and '_', starting "
              "with a letter (got '"
            + id + "')";
        return {};
    }
    return id;
}

std::string copyTwinPath(const std::string &path, const std::string &id)
{
    return (std::filesystem::path(path).parent_path() / (id + ".py")).string();
}

bool scenarioCopyText(const ScenarioCopySource &source, const std::string &id, std::string &out,
                      std::string &error)
{
    // Read with places, so a copy of a text with a syntax error says where it is.
    JsonSource json;
    TextPosition at;
    if (!json.parse(source.text, error, at)) {
        error = "line " + std::to_string(at.line) + ", column " + std::to_string(at.column) + ": " + error;
        return false;
    }
    Json doc = json.document();
    if (!doc.is_object()) {
        error = "a scenario file holds one JSON object";
        return false;
    }
    doc["id"] = id;
    if (source.builtin)
        doc["lesson"] = "Your scenarios";
    doc.erase("order");
    if (source.hasTwin)
        doc["python"] = id + ".py";
    out = doc.dump(2) + "\n";
    return true;
}

std::string writeScenarioCopy(const ScenarioCopySource &source, const std::string &path, bool overwrite,
                              std::string &twinPath)
{
    namespace fs = std::filesystem;
    twinPath.clear();
    std::string error;
    const std::string id = copyIdForPath(path, error);
    if (id.empty())
        return error;
    std::string text;
    if (!scenarioCopyText(source, id, text, error))
        return error;
    const fs::path twin = copyTwinPath(path, id);
    std::error_code ec;
    if (!overwrite)
        for (const fs::path &out : {fs::path(path), twin})
            if ((out == fs::path(path) || source.hasTwin) && fs::exists(out, ec))
                return "'" + out.string() + "' exists already; a copy never overwrites a file";
    if (std::string problem = writeFileAtomically(path, text); !problem.empty())
        return problem;
    if (source.hasTwin) {
        if (std::string problem = writeFileAtomically(twin.string(), source.twinText); !problem.empty()) {
            fs::remove(path, ec); // nothing half-made stays behind
            return problem;
        }
        twinPath = twin.string();
    }
    return {};
}

} // namespace forkscope::core

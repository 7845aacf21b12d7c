#include "tests/fuzz/FuzzTarget.h"

#include "core/io/FileSeal.h"
#include "core/io/ReadLimits.h"
#include "core/util/Error.h"

#include <H5Cpp.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <typeinfo>
#include <vector>

#include <unistd.h>

namespace neurino::fuzz {

namespace {

std::map<std::string, TargetFunction>& targets()
{
    static std::map<std::string, TargetFunction> table;
    return table;
}

[[noreturn]] void fail(const std::string& message)
{
    std::fprintf(stderr, "neurino fuzz: %s\n", message.c_str());
    std::fflush(stderr);
    std::abort();
}

std::string makeWorkDir()
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path base = "/dev/shm";
    if (!fs::is_directory(base, ec) || ::access(base.c_str(), W_OK) != 0)
        base = fs::temp_directory_path(ec);
    const fs::path dir = base / ("neurino-fuzz-" + std::to_string(::getpid()));
    fs::remove_all(dir, ec);
    fs::create_directories(dir, ec);
    if (ec)
        fail("cannot create the work folder '" + dir.string() + "': " + ec.message());
    std::atexit([] {
        std::error_code ignored;
        fs::remove_all(workDir(), ignored);
    });
    return dir.string();
}

} // namespace

bool registerTarget(const char* name, TargetFunction function)
{
    targets()[name] = function;
    return true;
}

TargetFunction findTarget(const std::string& name)
{
    const auto it = targets().find(name);
    return it == targets().end() ? nullptr : it->second;
}

std::string targetNames()
{
    std::string names;
    for (const auto& [name, function] : targets())
        names += (names.empty() ? "" : ", ") + name;
    return names;
}

void prepare()
{
    static std::once_flag once;
    std::call_once(once, [] {
        ReadLimits limits;
        limits.maxElements = std::int64_t(1) << 22; // 16 MiB of float32
        limits.maxStringBytes = std::int64_t(1) << 20;
        limits.maxGraphNodes = 1000;
        limits.maxJsonDepth = 64;
        limits.maxTextFileBytes = std::int64_t(1) << 20;
        setReadLimits(limits);
    });
}

const std::string& workDir()
{
    // Never destroyed: the exit handler that removes the folder runs after static destructors.
    static const std::string* dir = new std::string(makeWorkDir());
    return *dir;
}

void writeFile(const std::string& path, const std::uint8_t* data, std::size_t size)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out)
        fail("cannot write '" + path + "'");
}

void writeFile(const std::string& path, const std::string& text)
{
    writeFile(path, reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

void removeFile(const std::string& path)
{
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
}

void readHdf5Input(const std::uint8_t* data, std::size_t size, const std::string& name,
    const std::function<void(const std::string& path)>& read)
{
    static const char kMagic[] = "NEURINO-H5\n";
    const std::string path = workDir() + "/" + name;
    writeFile(path, data, size);
    expectErrorsOnly([&] { read(path); });
    if (size <= seal::kBlockBytes || std::memcmp(data, kMagic, sizeof kMagic - 1) != 0)
        return;
    std::vector<unsigned char> sealed(data, data + size);
    seal::stamp(sealed);
    writeFile(path, sealed.data(), sealed.size());
    expectErrorsOnly([&] { read(path); });
}

void expectErrorsOnly(const std::function<void()>& read)
{
    try {
        read();
    } catch (const Error& e) {
        static const bool verbose = std::getenv("NEURINO_FUZZ_VERBOSE") != nullptr;
        if (verbose)
            std::fprintf(stderr, "  %s: %s\n", typeid(e).name(), e.what());
        if (std::string(e.what()).empty())
            fail(std::string("a ") + typeid(e).name() + " without a message");
    } catch (const H5::Exception& e) {
        fail("unexpected H5::Exception from " + e.getFuncName() + ": " + e.getDetailMsg());
    } catch (const std::exception& e) {
        fail(std::string("unexpected exception ") + typeid(e).name() + ": " + e.what());
    } catch (...) {
        fail("an exception of an unknown type");
    }
}

} // namespace neurino::fuzz

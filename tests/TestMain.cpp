// The main of a folder's test program: `program SuiteName [Qt Test options]` runs that suite, `program` alone
// runs them all and `program --suites` lists them.
#include "tests/TestMain.h"

#ifdef NEURINO_TEST_WIDGETS
#include <QApplication>
#endif
#include <QCoreApplication>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace neurino::test {

namespace {

std::map<std::string, SuiteFactory>& suites()
{
    static std::map<std::string, SuiteFactory> registered;
    return registered;
}

int runSuite(const SuiteFactory& factory, std::vector<char*> args)
{
    const std::unique_ptr<QObject> suite = factory();
    return QTest::qExec(suite.get(), static_cast<int>(args.size()), args.data());
}

} // namespace

bool registerSuite(const char* name, SuiteFactory factory)
{
    suites().emplace(name, std::move(factory));
    return true;
}

} // namespace neurino::test

int main(int argc, char** argv)
{
#ifdef NEURINO_TEST_WIDGETS
    QApplication app(argc, argv);
    app.setAttribute(Qt::AA_Use96Dpi, true);
#else
    QCoreApplication app(argc, argv);
#endif
    // Thread counts measured by runs (threads "auto") are remembered in a cache of the test run's own, not
    // the user's; the neurino-batch processes the tests start inherit it.
    QTemporaryDir cache;
    if (qEnvironmentVariableIsEmpty("NEURINO_CACHE_DIR"))
        qputenv("NEURINO_CACHE_DIR", cache.path().toUtf8());
    const auto& suites = neurino::test::suites();
    const std::string first = argc > 1 ? argv[1] : "";
    if (first == "--suites") {
        for (const auto& entry : suites)
            std::cout << entry.first << "\n";
        return 0;
    }
    const auto chosen = suites.find(first);
    if (chosen != suites.end()) {
        std::vector<char*> args { argv[0] };
        args.insert(args.end(), argv + 2, argv + argc);
        return neurino::test::runSuite(chosen->second, args);
    }
    if (!first.empty() && first[0] != '-') {
        std::cerr << "no test suite '" << first << "' here; --suites lists them\n";
        return 2;
    }
    int failed = 0;
    for (const auto& entry : suites)
        failed += neurino::test::runSuite(entry.second, std::vector<char*>(argv, argv + argc)) != 0;
    return failed;
}

#pragma once

#include <QObject>

#include <functional>
#include <memory>

namespace neurino::test {

using SuiteFactory = std::function<std::unique_ptr<QObject>()>;

// Records a Qt Test class under its name, for the folder's test program to run when asked for it by name.
bool registerSuite(const char* name, SuiteFactory factory);

} // namespace neurino::test

// Ends a test file in place of QTEST_MAIN: the test classes of one folder share one program (one link against
// LibTorch instead of one per class), and CTest runs each class as its own test, `program ClassName`.
#define NEURINO_TEST_MAIN(TestClass)                                                                         \
    static const bool neurinoSuite##TestClass                                                                \
        = neurino::test::registerSuite(#TestClass, [] { return std::unique_ptr<QObject>(new TestClass); });

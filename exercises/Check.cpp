#include "exercises/Check.h"

#include "exercises/ExerciseError.h"

#include <cmath>
#include <cstdio>

namespace neurino::exercises {

namespace {

std::string formatNumber(double value, int decimals)
{
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

} // namespace

std::string comparisonName(Comparison comparison)
{
    switch (comparison) {
    case Comparison::Greater:
        return "greater";
    case Comparison::GreaterEqual:
        return "greater_equal";
    case Comparison::Less:
        return "less";
    case Comparison::LessEqual:
        return "less_equal";
    case Comparison::Between:
        return "between";
    }
    return "?";
}

std::string comparisonSymbol(Comparison comparison)
{
    switch (comparison) {
    case Comparison::Greater:
        return ">";
    case Comparison::GreaterEqual:
        return ">=";
    case Comparison::Less:
        return "<";
    case Comparison::LessEqual:
        return "<=";
    case Comparison::Between:
        return "in";
    }
    return "?";
}

Comparison parseComparison(const std::string& name)
{
    for (Comparison c : { Comparison::Greater, Comparison::GreaterEqual, Comparison::Less,
             Comparison::LessEqual, Comparison::Between })
        if (comparisonName(c) == name)
            return c;
    throw ExerciseError(
        "unknown comparison '" + name + "': use greater, greater_equal, less, less_equal or between");
}

bool Check::passes(double value) const
{
    if (std::isnan(value))
        return false;
    switch (comparison) {
    case Comparison::Greater:
        return value > target;
    case Comparison::GreaterEqual:
        return value >= target;
    case Comparison::Less:
        return value < target;
    case Comparison::LessEqual:
        return value <= target;
    case Comparison::Between:
        return value >= target && value <= upper;
    }
    return false;
}

std::string Check::targetText() const
{
    if (comparison == Comparison::Between)
        return formatNumber(target, decimals) + " .. " + formatNumber(upper, decimals);
    return comparisonSymbol(comparison) + " " + formatNumber(target, decimals);
}

std::string CheckResult::status() const
{
    if (!measured())
        return "PENDING";
    return passed ? "PASS" : "FAIL";
}

std::string CheckResult::reportLine(std::size_t nameWidth) const
{
    std::string name = check.name;
    if (name.size() < nameWidth)
        name.append(nameWidth - name.size(), ' ');
    std::string status = this->status();
    status.append(status.size() < 8 ? 8 - status.size() : 1, ' ');
    const std::string shown = measured() ? formatNumber(*value, check.decimals + 1) : "-";
    std::string valueText = shown;
    if (valueText.size() < 10)
        valueText.insert(0, 10 - valueText.size(), ' ');
    return status + name + " " + valueText + "  (target " + check.targetText() + ")";
}

CheckResult evaluateCheck(const Check& check, double value)
{
    CheckResult result;
    result.check = check;
    result.value = value;
    result.passed = check.passes(value);
    return result;
}

} // namespace neurino::exercises

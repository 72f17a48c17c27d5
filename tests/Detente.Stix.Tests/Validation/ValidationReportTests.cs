using Detente.Stix.Validation;

namespace Detente.Stix.Tests.Validation;

public sealed class ValidationReportTests : ValidationTestBase
{
    [Fact]
    public void A_validator_report_cannot_be_changed_through_a_cast()
    {
        ValidationReport report = Validate(ExampleWith("indicator", ("labels", "[1]"), ("indicator_types", """["a b"]""")));
        Assert.Single(report.Errors);
        Assert.Single(report.Warnings);

        Assert.IsNotType<List<ValidationIssue>>(report.Errors);
        Assert.IsNotType<ValidationIssue[]>(report.Errors);
        Assert.IsNotType<List<ValidationIssue>>(report.Warnings);
        Assert.IsNotType<ValidationIssue[]>(report.Warnings);
        var errors = (IList<ValidationIssue>)report.Errors;
        Assert.True(errors.IsReadOnly);
        Assert.Throws<NotSupportedException>(() => errors.Add(report.Errors[0]));
        Assert.Throws<NotSupportedException>(() => errors[0] = report.Warnings[0]);
        Assert.Throws<NotSupportedException>(() => ((IList<ValidationIssue>)report.Warnings).Clear());
        Assert.Single(report.Errors);
    }

    [Fact]
    public void A_report_keeps_its_own_copy_of_the_lists_it_is_given()
    {
        var issue = new ValidationIssue("$.name", ValidationRules.Required, "is required");
        var errors = new List<ValidationIssue> { issue };
        var warnings = new List<ValidationIssue>();

        var report = new ValidationReport(errors, warnings);
        errors.Clear();
        warnings.Add(issue);

        Assert.Equal([issue], report.Errors);
        Assert.Empty(report.Warnings);
        Assert.False(report.IsValid);
    }

    [Fact]
    public void Null_lists_or_items_are_caller_bugs()
    {
        Assert.Throws<ArgumentNullException>(() => new ValidationReport(null!, new List<ValidationIssue>()));
        Assert.Throws<ArgumentNullException>(() => new ValidationReport(new List<ValidationIssue>(), null!));
        Assert.Throws<ArgumentNullException>(() => new ValidationReport(new List<ValidationIssue> { null! }, new List<ValidationIssue>()));
    }

    [Fact]
    public void The_empty_report_is_valid_and_read_only()
    {
        Assert.True(ValidationReport.Empty.IsValid);
        Assert.Empty(ValidationReport.Empty.Errors);
        Assert.True(((IList<ValidationIssue>)ValidationReport.Empty.Errors).IsReadOnly);
    }
}

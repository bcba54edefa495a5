using DKube.Abstractions.Errors;
using DKube.Tuning;

namespace DKube.Api.Validation;

/// <summary>A study's Katib YAML read at the HTTP front: 400 when it is not YAML, 422 naming every field that is wrong.</summary>
public static class StudySpecs
{
    public static StudySpec Parse(string yaml)
    {
        try
        {
            return KatibParser.Parse(yaml);
        }
        catch (StudySpecException e) when (e.Malformed)
        {
            throw new DomainException(ErrorKind.Invalid, "malformed-yaml", e.Message, e.Errors);
        }
        catch (StudySpecException e)
        {
            throw new DomainException(ErrorKind.Unprocessable, "invalid-study", e.Message, e.Errors);
        }
    }
}

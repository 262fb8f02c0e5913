using System.Text.RegularExpressions;

namespace SimIoT.Cloud.Bus;

/// <summary>Matches topic names against a handler's topic list (names, or '^' regular expressions).</summary>
public sealed class TopicFilter
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly List<Regex> _patterns = [];

    public TopicFilter(IEnumerable<string> topics)
    {
        foreach (var topic in topics)
        {
            if (topic.StartsWith('^')) _patterns.Add(new Regex(topic, RegexOptions.CultureInvariant | RegexOptions.Compiled));
            else _names.Add(topic);
        }
    }

    public bool Matches(string topic) => _names.Contains(topic) || _patterns.Exists(p => p.IsMatch(topic));
}

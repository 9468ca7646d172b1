using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Notify.WebSocket;

/// <summary>
/// Read-only metadata of one or two entries, keys compared ordinally, enumerated in the order given. Results and
/// incoming messages carry one per message; a <see cref="Dictionary{TKey, TValue}"/> there costs a hash table each time.
/// </summary>
internal sealed class FixedMetadata<TValue> : IReadOnlyDictionary<string, TValue>
{
    private readonly string _key1;
    private readonly TValue _value1;
    private readonly string? _key2;
    private readonly TValue _value2;

    public FixedMetadata(string key, TValue value)
    {
        _key1 = key;
        _value1 = value;
        _value2 = default!;
    }

    public FixedMetadata(string key1, TValue value1, string key2, TValue value2)
    {
        _key1 = key1;
        _value1 = value1;
        _key2 = key2;
        _value2 = value2;
    }

    public int Count => _key2 is null ? 1 : 2;

    /// <summary>The entries as <c>{ key = value, … }</c>, as a record prints its members (results print their metadata so).</summary>
    public override string ToString() =>
        "{ " + string.Join(", ", this.Select(static p => p.Key + " = " + p.Value)) + " }";

    public IEnumerable<string> Keys => this.Select(static p => p.Key);

    public IEnumerable<TValue> Values => this.Select(static p => p.Value);

    public TValue this[string key] =>
        TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The given key '{key}' was not present in the dictionary.");

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (string.Equals(key, _key1, StringComparison.Ordinal))
        {
            value = _value1;
            return true;
        }

        if (_key2 is not null && string.Equals(key, _key2, StringComparison.Ordinal))
        {
            value = _value2;
            return true;
        }

        value = default;
        return false;
    }

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator()
    {
        yield return KeyValuePair.Create(_key1, _value1);
        if (_key2 is not null)
        {
            yield return KeyValuePair.Create(_key2, _value2);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

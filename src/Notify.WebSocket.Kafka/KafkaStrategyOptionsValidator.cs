using Microsoft.Extensions.Options;

namespace Notify.WebSocket.Kafka;

/// <summary>
/// Checks the Kafka options of every provider and tenant that uses the strategy, at start; the name it is given is the
/// full key path of the tenant's <c>messageHandling:strategies:kafka</c> section.
/// </summary>
internal sealed class KafkaStrategyOptionsValidator : IValidateOptions<KafkaStrategyOptions>
{
    public ValidateOptionsResult Validate(string? name, KafkaStrategyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = name ?? KafkaStrategyOptions.StrategyName;
        var errors = new List<string>(options.BindingErrors);
        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            errors.Add($"{path}:bootstrapServers is required; set it there, or in code with .AddKafka(\"broker:9092\") on the builder AddWebSocketNotifications returns.");
        }

        if (string.IsNullOrWhiteSpace(options.Topic))
        {
            errors.Add($"{path}:topic is empty; give a topic name (here or as messageHandling:kafkaTopic) or leave it out for \"{KafkaStrategyOptions.DefaultTopic}\".");
        }

        if (options.DeliveryTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{path}:deliveryTimeout is {options.DeliveryTimeout.TotalMilliseconds} ms; it must be greater than 0.");
        }

        if (options.Key is null)
        {
            errors.Add($"{path}: KafkaStrategyOptions.Key is null; leave it out for the message id or give a function.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

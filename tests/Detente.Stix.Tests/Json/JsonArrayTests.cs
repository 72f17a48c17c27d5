using Detente.Stix.Json;

namespace Detente.Stix.Tests.Json;

public sealed class JsonArrayTests
{
    [Fact]
    public void An_array_of_values_creates_a_json_array()
    {
        JsonValue[] items = ["a", 1.0, JsonValue.True];

        JsonArray array = JsonArray.Create(items);

        Assert.Equal("[\"a\",1,true]", array.ToString());
    }

    [Fact]
    public void A_null_item_is_refused()
    {
        JsonValue[] items = ["a", null!];

        Assert.Throws<ArgumentException>(() => JsonArray.Create(items));
    }
}

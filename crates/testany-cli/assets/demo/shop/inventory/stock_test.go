package inventory

import "testing"

// testany: 3DA06B1E
func TestReserveStock(t *testing.T) {
	stock := NewStock("apple", 10)
	if !stock.Reserve("apple", 4) {
		t.Fatal("reserve failed")
	}
	if got := stock.Available("apple"); got != 6 {
		t.Errorf("available after reserve: got %d, want 6", got)
	}
}

// testany: 4EB17C2F
func TestReleaseStockTwice(t *testing.T) {
	stock := NewStock("apple", 10)
	stock.Reserve("apple", 2)
	stock.Release("apple", 2)
	stock.Release("apple", 2)
	if got := stock.Available("apple"); got != 10 {
		t.Errorf("released twice: got %d, want 10", got)
	}
}

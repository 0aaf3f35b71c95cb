// Package inventory keeps stock levels for the shop.
package inventory

// Stock counts the units available per SKU.
type Stock struct {
	available map[string]int
	reserved  map[string]int
}

// NewStock returns a stock with the given units of one SKU.
func NewStock(sku string, units int) *Stock {
	return &Stock{available: map[string]int{sku: units}, reserved: map[string]int{}}
}

// Reserve moves units from available to reserved.
func (s *Stock) Reserve(sku string, units int) bool {
	if s.available[sku] < units {
		return false
	}
	s.available[sku] -= units
	s.reserved[sku] += units
	return true
}

// Release returns reserved units to available.
func (s *Stock) Release(sku string, units int) {
	s.reserved[sku] -= units
	s.available[sku] += units
}

// Available reports the units that can still be reserved.
func (s *Stock) Available(sku string) int {
	return s.available[sku]
}

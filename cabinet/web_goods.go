package cabinet

// companyCatalogPages are the company's goods and groups, the catalog's
// import and export, store prices and discounts.
func (s *Server) companyCatalogPages(r webRouter) {}

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="vi_VN">
<context>
    <name></name>
    <message>
        <source>Đơn vị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy này</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy lấy số</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hàng đợi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hub của điểm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quầy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy quét</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Màn hình hiển thị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số thứ tự</source>
        <extracomment>The city sync&apos;s record types (sync/protocol.py RECORD_TYPES) as the refused-records table names them; a type not here shows its protocol name.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sự kiện hàng đợi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trạng thái hồ sơ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đánh giá</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phản ánh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tự phục vụ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lịch làm việc</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hồ sơ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đồng bộ thành phố</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quản trị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cơ sở dữ liệu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sao lưu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhật ký</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã đơn vị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tên điểm phục vụ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Múi giờ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã máy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vai trò của máy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ngôn ngữ khi khởi động</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Toàn màn hình</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thời gian hiện số vừa lấy (giây)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dịch vụ có trên máy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Làm mờ dịch vụ ngoài giờ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tạm ngừng sau số lần in lỗi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kiểm tra lại máy in sau (giây)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cách gọi số ưu tiên</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gọi một số ưu tiên sau mỗi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Địa chỉ máy in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Khổ giấy (mm)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thời gian chờ in tối đa (giây)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hỏi trạng thái máy in trước khi in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bộ lệnh của máy in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In mã QR bằng lệnh của máy in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dùng lệnh lề trái của máy in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vai trò với hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Địa chỉ hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Địa chỉ lắng nghe của hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cổng của hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã khóa của điểm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã khóa riêng của máy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thời gian chờ hub (giây)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tệp chứng chỉ của hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tệp khóa riêng của hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chứng chỉ hub được tin cậy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số quầy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dịch vụ quầy gọi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tên cán bộ mặc định</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cổng COM của máy quét</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã USB của máy quét</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tốc độ cổng nối tiếp (baud)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kết thúc mã sau khoảng lặng (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhận máy quét kiểu bàn phím</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Khoảng cách phím tối đa (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Độ dài mã tối thiểu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phím kết thúc mã</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Camera đọc mã</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bộ giải mã</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số dòng &quot;Vừa gọi&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thời gian nhấp nháy số mới (giây)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giọng đọc</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Khoảng lặng giữa hai lần đọc (giây)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Âm lượng (0 đến 1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số lần đọc mỗi lượt gọi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đọc cả lượt nhắc lại</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đọc lại hàng đợi sau (giây)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dịch vụ hiện ở &quot;Đang chờ&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mời đánh giá sau khi phục vụ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thời gian hiện câu hỏi đánh giá (giây)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tra cứu hồ sơ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số tháng giữ trong cơ sở dữ liệu (còn lại lưu trữ)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số năm giữ trong cơ sở dữ liệu (khi số tháng giữ = 0)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phản ánh, kiến nghị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chủ đề phản ánh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hỏi số điện thoại (không bắt buộc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhận hồ sơ sáng thứ Bảy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giờ chốt nhận hồ sơ (HH:MM)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giờ chốt sáng thứ Bảy (HH:MM)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ngày nghỉ thêm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ngày làm bù</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giữ dữ liệu cá nhân sau khi trả (ngày)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nơi trả kết quả</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số liên biên nhận nhiệt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy in biên nhận</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Khổ giấy máy in biên nhận (mm)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thư mục biên nhận A4 (PDF)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tên đơn vị tiếp nhận</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cơ quan chủ quản</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã đơn vị xử lý</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tên đơn vị xử lý</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Địa danh ghi ngày tháng</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Địa chỉ tra cứu trong mã QR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Báo hồ sơ sắp đến hạn trước (ngày làm việc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giờ nhắc hồ sơ đến hạn ngày mai</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hạn trả lời phản ánh (ngày làm việc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chữ đầu mã phản ánh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giữ nội dung, số điện thoại sau khi trả lời (ngày)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Địa chỉ máy chủ thành phố</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã của máy (token)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chứng chỉ tin cậy của máy chủ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy chủ trung gian (proxy)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số bản ghi tối đa mỗi lần gửi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dung lượng tối đa mỗi lần gửi (byte)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thời gian chờ máy chủ (giây)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chờ thử lại sau lỗi (giây)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chờ thử lại lâu nhất (giây)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tìm bản ghi mới sau (giây)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tải dữ liệu danh mục sau (giây)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giữ bản ghi đã gửi (ngày)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã PIN quản trị (đã băm)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Khóa sau số lần nhập sai</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thời gian khóa (phút)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tệp cơ sở dữ liệu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thư mục sao lưu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sao lưu sau mỗi (giờ)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số bản sao lưu giữ lại</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gửi bản sao lưu lên hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số bản giữ trên hub cho mỗi máy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bản sao lưu lớn nhất hub nhận (MB)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nén bản sao lưu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mức ghi nhật ký</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tệp cấu hình</source>
        <extracomment>The doctor&apos;s check names (kiosk/diagnostics/checks.py, English for `kiosk doctor`) as the admin view shows them; a check whose name is not here shows its own.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quyền đọc tệp cấu hình</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã PIN quản trị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dung lượng đĩa trống</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thư mục nhật ký</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bảo mật kết nối hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy chủ thành phố</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đồng hồ của máy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hàng chờ đồng bộ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sao lưu lên hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lưu trữ các năm cũ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cài đặt Windows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tường lửa Windows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quyền thư mục dữ liệu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đạt</source>
        <extracomment>Each status as a word on its chip, and as a sentence beside the check&apos;s name.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hoạt động bình thường.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cần xem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vẫn hoạt động, nhưng nên xem lại.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lỗi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Có lỗi, cần sửa.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bỏ qua</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không áp dụng cho máy này.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trả kết quả</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trả kết quả hồ sơ này cho công dân?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ghi chú khi trả (không bắt buộc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã xử lý xong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ghi nhận hồ sơ đã xử lý xong, chờ trả?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiếp nhận</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiếp nhận hồ sơ đăng ký trực tuyến này?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chuyển xử lý</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chuyển hồ sơ sang đang xử lý?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yêu cầu bổ sung…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yêu cầu công dân bổ sung giấy tờ?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giấy tờ cần bổ sung (bắt buộc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yêu cầu nộp phí…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yêu cầu công dân thực hiện nghĩa vụ tài chính?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nội dung (không bắt buộc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rút hồ sơ…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Công dân yêu cầu rút hồ sơ?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lý do rút hồ sơ (bắt buộc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dừng xử lý…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dừng xử lý hồ sơ này?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lý do dừng xử lý (bắt buộc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không tiếp nhận…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không tiếp nhận hồ sơ này?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lý do không tiếp nhận (bắt buộc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>02 Bổ sung</source>
        <extracomment>The official slips the clerk can issue from the dossier page (kiosk/dossiers/slips.py), and what each one&apos;s text field asks for (05 has none: it lists the recorded hand-overs).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>03 Từ chối</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>04 Xin lỗi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>06 Kiểm soát</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giấy tờ cần bổ sung (bắt buộc), ngăn cách bằng ;</source>
        <extracomment>The status actions that are an official slip: asking for a supplement is Mẫu 02, refusing a dossier Mẫu 03 (the slip&apos;s panel opens with that form chosen; its reason is the slip&apos;s).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lý do từ chối (bắt buộc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lý do chậm trả kết quả (bắt buộc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Xuất CSV</source>
        <extracomment>Minimum column widths at scale 1.0 (px); the wide text columns wrap, and the code, phone and date columns grow to fit their contents once rows are shown.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Xuất Excel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Xuất PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sẵn sàng</source>
        <extracomment>PrinterStatus names (and OFFLINE for a printer that cannot be opened) as the clerk reads them.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sắp hết giấy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hết giấy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không kết nối</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang báo lỗi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã cấu hình (không đọc được trạng thái)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã kết nối</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mất kết nối</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã dừng</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa cấu hình</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bật</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không mở được</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tắt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>F3 Xong, gọi tiếp · F4 Nhắc · F11 Vắng · Ctrl+T Chuyển · F12 Xong · F2 Mới · F5 Lưu · Alt+1–9 Chọn · Ctrl+D Nhận đủ · F6 In · F7 A4 · Ctrl+F Thủ tục · F9 Hồ sơ · Ctrl+F9 Quét xử lý xong · F10 Sổ · F1 Hạn trả · Ctrl+P Phản ánh · F8 Camera</source>
        <extracomment>The window&apos;s shortcuts, most used first (window.py binds them; a test checks each one is).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hôm nay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tuần này</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tháng này</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tùy chọn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cấp số</source>
        <extracomment>The charts&apos; row at 1366x768 (the window&apos;s scale follows: 216 px at 1093x614). Below this height (logical px; 1366x768 at 125 % gives 614) the window is short: the reminder banner on one line (its whole text in the tool tip and the due tab), tighter margins round the tiles, charts and tabs; the tabs&apos; tables give up the height (they scroll). (heading, value for sorting, text) per column; None values sort first and read &quot;–&quot;.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã gọi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phục vụ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vắng mặt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chuyển</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chờ TB
(phút)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chờ trung
vị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chờ
P90</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phục vụ
TB (phút)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phục vụ
trung vị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phục vụ
P90</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lượt
đánh giá</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hài
lòng</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hồ sơ
nhận</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hồ sơ
đã trả</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trả đúng
hạn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theo quầy</source>
        <extracomment>Tab title, name column heading, grouping, columns hidden (not defined there).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theo cán bộ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cán bộ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theo dịch vụ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dịch vụ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theo ngày</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ngày</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiến độ giải quyết (20 điểm)</source>
        <extracomment>The results tabs&apos; columns: (heading, value for sorting, text), Decision 766 group of each.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mức độ hài lòng (18 điểm)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giải quyết
xong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đúng
hạn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quá
hạn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Xin lỗi
(Mẫu 04)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Từ
chối</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yêu cầu
bổ sung</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giải quyết
TB (ngày)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giải quyết
P90 (ngày)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hài lòng
TTHC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PAKN
đúng hạn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kết quả theo cán bộ</source>
        <extracomment>Tab title, name column heading, grouping of ResultStats.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kết quả theo thủ tục</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thủ tục hành chính</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>USB: máy chưa cài pyusb nên chưa tìm máy in USB.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>USB: máy chưa có thư viện libusb nên chưa tìm máy in USB. Trên Windows: dùng máy in qua trình điều khiển của Windows (win32://TÊN, có trong danh sách nếu đã cài), hoặc cài libusb rồi gán máy in cho WinUSB bằng Zadig.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>USB: máy chưa có thư viện libusb nên chưa tìm máy in USB.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>USB: tìm máy in bị lỗi (\1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cổng COM: máy chưa cài pyserial nên chưa tìm các cổng nối tiếp.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cổng COM: không liệt kê được các cổng (\1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy in của Windows: máy chưa cài pywin32 nên chưa liệt kê được.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy in của Windows: không liệt kê được (\1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CUPS: không liệt kê được các hàng đợi in (\1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>\1: lỗi không lường trước (\2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã hồ sơ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thủ tục</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hạn trả</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiến độ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cán bộ tiếp nhận</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quá hạn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đến hạn hôm nay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sắp đến hạn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ngày tiếp nhận</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hạn trả lời</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Người xử lý</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trễ (ngày làm việc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chủ đề</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mới tiếp nhận</source>
        <extracomment>Opens the page (and, once a petition was saved, starts the next one).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang xử lý</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã trả lời</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã đóng</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhắc (F4)</source>
        <extracomment>Actions the bar sends to the worker. The call buttons&apos; shorter texts on a narrow screen (the status line&apos;s words, the key kept; the whole text in the tool tip), so the ticket&apos;s service and waiting time keep room.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vắng (F11)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chuyển (Ctrl+T)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tại ki-ốt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tại quầy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giao cho</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trả lời</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đóng phản ánh</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AdminFlow</name>
    <message>
        <source>Quản trị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa đặt mã PIN quản trị cho máy này. Kỹ thuật viên: chạy `kiosk setup` hoặc `kiosk admin` trên máy để đặt mã.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AdminView</name>
    <message>
        <source>Quản trị máy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} · {id} · {role} · phiên bản {version__}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quay lại màn hình lấy số</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đóng</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thoát ra màn hình nền</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In lại</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thiết bị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đồng bộ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kiểm tra</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhật ký</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cấu hình</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đóng ứng dụng và ra màn hình nền? Công dân sẽ không lấy số được cho đến khi ứng dụng được mở lại.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thoát</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <source>Đã kiểm tra thẻ (Enter)</source>
        <translation>Card checked (Enter)</translation>
    </message>
    <message>
        <source>Đóng (Esc)</source>
        <translation>Close (Esc)</translation>
    </message>
</context>
<context>
    <name>CallingBar</name>
    <message>
        <source>QUẦY %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa gọi số nào</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gọi số tiếp (F3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhắc lại (F4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vắng mặt (F11)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chuyển… (Ctrl+T)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Xong (F12)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>quầy bất kỳ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chuyển</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hủy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chuyển sang</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tới</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(giữ dịch vụ)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhấn F3 để gọi số tiếp theo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ƯU TIÊN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · gọi lúc %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang chờ %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mất kết nối với máy chủ quầy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> từ %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>: chưa gọi được số. Tiếp nhận hồ sơ vẫn làm bình thường.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> %1 thao tác đang chờ gửi.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Xong, gọi tiếp (F3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chọn dịch vụ hoặc quầy để chuyển.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CameraPanel</name>
    <message>
        <source>Camera quét mã</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang mở camera…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đưa mã QR trên thẻ căn cước hoặc mã vạch trên giấy hẹn vào khung hình. F8 để tắt camera.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CameraTestPanel</name>
    <message>
        <source>Xem thử camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dừng</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Camera chưa bật</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không mở được camera: {exc}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang mở camera… Đưa mã QR hoặc mã vạch vào khung hình.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Camera {source} không mở được: kiểm tra cáp USB và chương trình khác đang dùng camera.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CityPage</name>
    <message>
        <source>Địa chỉ máy chủ thành phố</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã của máy (token)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hiện</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kiểm tra kết nối</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Địa chỉ máy chủ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ẩn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhập mã của máy (token) do thành phố cấp, hoặc để trống cả địa chỉ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa nhập địa chỉ: đồng bộ sẽ tắt.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang kiểm tra kết nối…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không kiểm tra được kết nối.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chi tiết kỹ thuật:
</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConfigEditor</name>
    <message>
        <source>bật</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>các giá trị cách nhau bởi dấu phẩy</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConfigTab</name>
    <message>
        <source>Tệp cấu hình hiện có lỗi: {config_error}. Biểu mẫu đang hiện giá trị mặc định; lưu sẽ ghi đè tệp.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đổi mã PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hoàn tác</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lưu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lưu và khởi động lại</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tệp: {config_file} — thay đổi có hiệu lực khi khởi động lại ứng dụng.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa lưu: {problem}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (khóa {key})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không ghi được tệp cấu hình: {exc}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã lưu cấu hình.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> Đang khởi động lại…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã đổi mã PIN quản trị.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConfirmPage</name>
    <message>
        <source>Số thứ tự của bạn</source>
        <translation>Your number</translation>
    </message>
    <message>
        <source>Xong</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>In lại</source>
        <translation>Print again</translation>
    </message>
    <message>
        <source>Màn hình tự quay lại sau {n} giây</source>
        <translation>This screen goes back in {n} seconds</translation>
    </message>
    <message>
        <source>ƯU TIÊN</source>
        <translation>PRIORITY</translation>
    </message>
    <message>
        <source>Số người đang chờ trước bạn: {n}</source>
        <translation>People waiting before you: {n}</translation>
    </message>
    <message>
        <source>Giờ lấy số: {time}</source>
        <translation>Issued at: {time}</translation>
    </message>
    <message>
        <source>Đang in phiếu…</source>
        <translation>Printing your ticket…</translation>
    </message>
    <message>
        <source>Mời nhận phiếu</source>
        <translation>Please take your ticket</translation>
    </message>
    <message>
        <source>Không in được phiếu. Vui lòng ghi nhớ số thứ tự của bạn: {number}</source>
        <translation>The ticket could not be printed. Please remember your number: {number}</translation>
    </message>
    <message>
        <source>Vui lòng báo cán bộ tại quầy.</source>
        <translation>Please tell the staff at the counter.</translation>
    </message>
</context>
<context>
    <name>CounterWindow</name>
    <message>
        <source>Quầy tiếp nhận và trả kết quả – %1</source>
        <extracomment>Beyond the driver&apos;s own timeout (per copy), how long a print may stay unanswered before the window stops waiting for it: a driver that overruns must not block reprints for good. Width of the citizen&apos;s rating panel at the window&apos;s right edge (shown after &quot;Xong&quot;): a share of the window&apos;s width within these bounds, so the form beside it keeps its room. The smallest screen the window fits: 1366x768 at 125 % Windows scaling, in logical pixels. Parser error codes that mean &quot;the ID number disagrees with the card&quot;: possibly a misread, possibly a forged card. The clerk has to look at the card and say so.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiếp nhận và trả kết quả</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiếp nhận hồ sơ (F2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trả kết quả, tra cứu (F9)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sổ theo dõi (F10)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Họ tên cán bộ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cán bộ:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hạn trả (F1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>⚠ %1 (F1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: chưa trả kết quả, chưa có phiếu xin lỗi và hẹn lại (Mẫu 04).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hạn trả hôm nay: %1 (F1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tải được danh sách hạn trả</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cảnh báo: %1 Chưa điền gì vào phiếu: đối chiếu thẻ với người nộp, rồi quét lại hoặc nhập tay.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã kiểm tra thẻ (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang lưu hồ sơ trước, vui lòng quét lại sau giây lát.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thẻ vừa quét không có dấu tiếng Việt (ví dụ “Nguyen Van A” thay vì “Nguyễn Văn A”): máy quét kiểu bàn phím đang gõ qua bộ gõ hoặc kiểu bàn phím khác. Sửa họ tên, địa chỉ theo thẻ (ô màu vàng), rồi nhờ kỹ thuật chuyển máy quét sang chế độ cổng COM ảo (USB-CDC).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã sửa theo thẻ (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã vừa quét không phải thẻ căn cước hay mã hồ sơ. Hãy quét mã QR trên thẻ căn cước hoặc mã vạch trên giấy hẹn.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quét lại: máy quét bị ngắt giữa chừng nên mã chưa đọc trọn; chưa điền gì vào phiếu. Giữ yên thẻ hoặc giấy hẹn trước máy quét và quét lại.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Công dân đã nộp hồ sơ tại quầy: số điện thoại, email lấy từ hồ sơ gần nhất. Hỏi lại công dân nếu đã thay đổi.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhập họ tên cán bộ (ô Cán bộ ở góc trên) trước khi cập nhật hồ sơ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cập nhật được hồ sơ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hồ sơ đã được ghi nhận xử lý xong từ trước, đang chờ trả kết quả.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hồ sơ đã trả kết quả cho công dân.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hồ sơ %1 đã được lưu. Nhấn F2 để tiếp nhận hồ sơ mới.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhập họ tên cán bộ tiếp nhận (ô Cán bộ ở góc trên) trước khi lưu.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang lưu hồ sơ…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã lưu hồ sơ %1 của công dân trước.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã lưu hồ sơ %1. Hẹn trả kết quả: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lưu được hồ sơ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang in phiếu %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy in không phản hồi (có thể kẹt giấy, hết giấy hoặc đang tắt): kiểm tra máy in, tắt rồi bật lại.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã in phiếu tiếp nhận và hẹn trả kết quả.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 Hồ sơ %2 vẫn đã được lưu: nhấn F6 để in lại hoặc F7 để in giấy A4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In lại phiếu (F6)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang tạo giấy A4…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã tạo giấy A4: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tạo được giấy A4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang mở hồ sơ…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mất kết nối máy chủ: đây là bản lưu trên máy này, có thể chưa mới nhất.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mở được hồ sơ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã lập và in phiếu Mẫu %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phiếu Mẫu %1 đã lập nhưng chưa in được: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lập được phiếu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hồ sơ đã được quầy khác cập nhật; đây là trạng thái mới nhất.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mất kết nối máy chủ văn phòng: quầy vẫn tiếp nhận và cập nhật hồ sơ trên máy này; các thay đổi sẽ tự gửi lên sổ hồ sơ chung khi có kết nối lại.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 thay đổi làm khi mất kết nối không được ghi vào sổ hồ sơ chung. %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> Các hồ sơ cần xem lại: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã xem (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>đọc được sổ theo dõi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>xuất được sổ theo dõi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không còn ai đang chờ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số %1: vắng mặt.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã chuyển số %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa cấu hình camera cho quầy này ([scanner] camera).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không mở được camera: thiếu thư viện hoặc cấu hình sai.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DevicesTab</name>
    <message>
        <source>Máy in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang dùng: {uri} (khổ {width} mm)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy quét</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>không cấu hình cổng COM (máy quét kiểu bàn phím)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cổng: {where}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa cấu hình camera ([scanner] camera trong tab Cấu hình).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DisplayBoard</name>
    <message>
        <source>Mời công dân theo dõi số thứ tự và quầy phục vụ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MẤT KẾT NỐI – đang kết nối lại</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ĐANG PHỤC VỤ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa có số nào được gọi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>VỪA GỌI</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ĐANG CHỜ</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DoctorTab</name>
    <message>
        <source>Chạy kiểm tra</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tạo gói hỗ trợ (.zip)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang kiểm tra… (mạng: tối đa vài giây)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kiểm tra bị lỗi: {exc}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{failed} mục lỗi, {warned} mục cần xem.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không có lỗi; {warned} mục cần xem.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mọi kiểm tra đều đạt.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chi tiết kỹ thuật: {technical}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang tạo gói hỗ trợ…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã tạo {path} (không có mã bí mật và dữ liệu cá nhân). Chép tệp này vào USB để gửi cho kỹ thuật.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không tạo được gói hỗ trợ: {exc}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DocumentsChecklist</name>
    <message>
        <source>Chọn thủ tục để hiện danh sách giấy tờ cần nộp.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhận</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tên giấy tờ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hình thức</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số lượng</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DossierView</name>
    <message>
        <source>Quét mã vạch trên giấy hẹn hoặc nhập mã hồ sơ, ví dụ 000.00.01.H26-260115-0007</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mở hồ sơ (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quét xử lý xong (Ctrl+F9)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã hồ sơ (F9)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quét mã vạch trên giấy tiếp nhận và hẹn trả kết quả, hoặc gõ mã hồ sơ rồi nhấn Enter. Hồ sơ sẽ hiện ở đây cùng các thao tác được phép.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thông tin hồ sơ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã hồ sơ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thủ tục</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Người nộp</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số định danh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ngày sinh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Địa chỉ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Liên hệ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chủ hồ sơ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiếp nhận</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hẹn trả</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiến độ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã trả</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số bộ, địa bàn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ghi chú</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giấy tờ đã nhận</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tên giấy tờ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hình thức</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lịch sử xử lý</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thời gian</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cán bộ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lý do, ghi chú</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Xác nhận (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hủy (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In lại phiếu (F6)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In giấy A4 (F7)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lập phiếu…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In lại (F6)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A4 (F7)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quét mã vạch trên giấy hẹn: hồ sơ chuyển ngay sang &quot;Đã xử lý xong&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ghi nhận (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(đã xóa theo thời hạn lưu trữ)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chính người nộp</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, cán bộ %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>chưa trả (xử lý xong %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>chưa trả</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{sets} bộ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hồ sơ đã kết thúc: không còn thao tác nào.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hồ sơ không còn lưu số định danh của người nộp: đối chiếu thẻ của %1 với giấy hẹn bằng mắt.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Người nhận kết quả: %1, đúng người nộp hồ sơ (số định danh khớp).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 không phải người nộp hồ sơ này (số định danh không khớp). Người nhận thay phải xuất trình giấy ủy quyền của người nộp hồ sơ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Người nhận: %1 (người nộp hồ sơ, đã đối chiếu thẻ căn cước)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Người nhận thay: %1 (có giấy ủy quyền)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Người nhận: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang ghi nhận…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang ghi giao nhận…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã ghi giao hồ sơ cho %1. Lập phiếu… chọn 06 để in phiếu kiểm soát.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang lập phiếu…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã chuyển sang: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã lập phiếu Mẫu %1, đang in…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DueDossierBox</name>
    <message>
        <source>Hồ sơ %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã hồ sơ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thủ tục</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiếp nhận</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hẹn trả</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiến độ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lịch sử</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đóng (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DuePanel</name>
    <message>
        <source>Quá hạn %1 ngày</source>
        <extracomment>Columns of the per-clerk / per-procedure table beyond the name: wide enough for the header.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đến hạn hôm nay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đến hạn ngày mai</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Còn %1 ngày</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · đã hẹn lại</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · chờ bổ sung</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhắc việc: %1 hồ sơ đến hạn trả vào ngày làm việc tới: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> và %1 hồ sơ khác</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 hồ sơ quá hạn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hồ sơ đến hạn và quá hạn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Làm mới</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theo cán bộ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theo thủ tục</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang tải danh sách…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mất kết nối máy chủ: chỉ hồ sơ máy này đã xử lý, có thể chưa mới nhất.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không có hồ sơ quá hạn hoặc sắp đến hạn.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chạm vào một hồ sơ (hoặc Enter) để mở.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quá hạn: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hôm nay: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trong %2 ngày tới: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cán bộ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thủ tục</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FeedbackPage</name>
    <message>
        <source>Mã phản ánh của ông/bà (hạn trả lời {due}).</source>
        <translation>Your petition code (answer due by {due}).</translation>
    </message>
    <message>
        <source>Mã đã được in trên phiếu: nhập mã tại mục Tra cứu để xem trả lời.</source>
        <translation>The code is printed on your slip: type it under Look up to read the answer.</translation>
    </message>
    <message>
        <source>Vui lòng ghi lại mã này: nhập mã tại mục Tra cứu để xem trả lời.</source>
        <translation>Please write this code down: type it under Look up to read the answer.</translation>
    </message>
    <message>
        <source>Đang gửi…</source>
        <translation>Sending…</translation>
    </message>
    <message>
        <source>Số điện thoại chưa đúng. Vui lòng nhập số di động 10 chữ số (ví dụ 0912 345 678) hoặc số cố định có mã vùng, hoặc để trống.</source>
        <translation>This phone number is not right. Please enter a 10-digit mobile number (for example 0912 345 678) or a landline number with its area code, or leave it empty.</translation>
    </message>
    <message>
        <source>Vui lòng nhập nội dung phản ánh (ít nhất {min} ký tự).</source>
        <translation>Please write your feedback (at least {min} characters).</translation>
    </message>
    <message>
        <source>Nội dung quá dài: tối đa {max} ký tự.</source>
        <translation>Your text is too long: at most {max} characters.</translation>
    </message>
    <message>
        <source>Vui lòng chọn nội dung cần phản ánh.</source>
        <translation>Please choose what your feedback is about.</translation>
    </message>
    <message>
        <source>{n}/{max} ký tự</source>
        <translation>{n}/{max} characters</translation>
    </message>
    <message>
        <source>Quay lại</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Phản ánh, kiến nghị</source>
        <translation>Feedback and proposals</translation>
    </message>
    <message>
        <source>Chọn nội dung ông/bà muốn phản ánh, kiến nghị. Ý kiến được gửi đến cơ quan có thẩm quyền xem xét.</source>
        <translation>Choose what your feedback is about. It is sent to the competent authority for consideration.</translation>
    </message>
    <message>
        <source>Nhập nội dung phản ánh, kiến nghị (ít nhất {min} ký tự)…</source>
        <translation>Type your feedback (at least {min} characters)…</translation>
    </message>
    <message>
        <source>Tiếp tục</source>
        <translation>Continue</translation>
    </message>
    <message>
        <source>Số điện thoại liên hệ</source>
        <translation>Contact phone number</translation>
    </message>
    <message>
        <source>Không bắt buộc. Để lại số nếu ông/bà muốn được trả lời; số điện thoại chỉ dùng để liên hệ về phản ánh này.</source>
        <translation>Optional. Leave a number if you would like an answer; it is used only to contact you about this feedback.</translation>
    </message>
    <message>
        <source>Ví dụ: 0912345678</source>
        <translation>For example: 0912345678</translation>
    </message>
    <message>
        <source>Gửi phản ánh</source>
        <translation>Send feedback</translation>
    </message>
    <message>
        <source>Cảm ơn ông/bà đã gửi phản ánh, kiến nghị!</source>
        <translation>Thank you for your feedback!</translation>
    </message>
    <message>
        <source>Ý kiến của ông/bà đã được ghi nhận và sẽ được chuyển đến cơ quan có thẩm quyền.</source>
        <translation>Your feedback has been recorded and will be passed on to the competent authority.</translation>
    </message>
    <message>
        <source>Xong</source>
        <translation>Done</translation>
    </message>
</context>
<context>
    <name>FinishScans</name>
    <message>
        <source>Ghi nhận hồ sơ đã xử lý xong</source>
        <extracomment>Lines kept on screen (a day&apos;s pile is a few dozen).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quét lần lượt mã vạch trên giấy hẹn (hoặc gõ mã hồ sơ rồi nhấn Enter): mỗi hồ sơ chuyển ngay sang &quot;Đã xử lý xong&quot;, chờ trả kết quả. Nhấn Ctrl+F9 để thoát chế độ này.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa quét hồ sơ nào.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang ghi nhận hồ sơ %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✓ %1: đã ghi nhận xử lý xong (%2). Hẹn trả %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✗ %1: không ghi nhận được. %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã ghi nhận: %1 · Không ghi nhận được: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HandoverPanel</name>
    <message>
        <source>Phòng, ban, cơ quan nhận</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Họ tên người nhận</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không hạn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ghi chú (không bắt buộc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ghi giao nhận (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hủy (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giao cho</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Người nhận</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hạn</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <source>Thứ Hai</source>
        <translation>Monday</translation>
    </message>
    <message>
        <source>Thứ Ba</source>
        <translation>Tuesday</translation>
    </message>
    <message>
        <source>Thứ Tư</source>
        <translation>Wednesday</translation>
    </message>
    <message>
        <source>Thứ Năm</source>
        <translation>Thursday</translation>
    </message>
    <message>
        <source>Thứ Sáu</source>
        <translation>Friday</translation>
    </message>
    <message>
        <source>Thứ Bảy</source>
        <translation>Saturday</translation>
    </message>
    <message>
        <source>Chủ Nhật</source>
        <translation>Sunday</translation>
    </message>
</context>
<context>
    <name>HourChart</name>
    <message>
        <source>Số phiếu theo giờ trong ngày</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phiếu cấp</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã phục vụ</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HubPage</name>
    <message>
        <source>Đang ghép nối máy này với hub…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chỉ một máy (không có hub)</source>
        <extracomment>The ticket kiosk&apos;s choices on the Hub step, by the [hub] role each gives: (title, detail); shown through translate(&quot;HubPage&quot;, ...).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hàng đợi nằm trên máy này.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy này làm hub cho cả điểm (máy kiosk lấy số)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quầy, màn hình kết nối vào máy này.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kết nối tới hub ở máy khác</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ví dụ máy hub ở phòng làm việc.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Địa chỉ của hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ví dụ https://192.168.1.10:8090 (để trống nếu không có)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chứng chỉ của hub: tệp hub.crt chép từ máy hub (máy giữ một bản sao khi lưu, rút USB sau đó cũng được)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chứng chỉ của hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ví dụ E:\hub.crt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chọn tệp…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cổng hub lắng nghe</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bảo mật kết nối (HTTPS) – nên bật</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bảo mật kết nối</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã hóa đường truyền trong mạng của điểm: không ai đọc trộm được mã khóa và hàng đợi. Các máy khác cần một bản tệp chứng chỉ hub.crt của máy này.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã khóa của điểm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mã hiện trên máy hub (ít nhất 16 ký tự)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tạo mã ngẫu nhiên</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kiểm tra kết nối</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ví dụ https://192.168.1.10:8090</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trên các máy khác, nhập mã khóa của điểm (ô bên cạnh) và địa chỉ hub: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> hoặc </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Khi bấm Tiếp tục, máy tạo chứng chỉ tại {cert}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dùng chứng chỉ có sẵn: {cert}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chép tệp {name} này (USB) sang mọi máy khác của điểm và chọn nó ở bước Hub của máy đó. Không chép {name2}: tệp đó chỉ ở máy này.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy chưa có địa chỉ IP trong mạng: cắm mạng rồi mở lại bước này, để chứng chỉ ghi địa chỉ đó.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nên đặt IP cố định cho máy này: đổi IP thì phải tạo lại chứng chỉ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hub này đang chạy không bảo mật: sửa địa chỉ hub trên mọi máy khác thành https:// và chép hub.crt sang từng máy, nếu không chúng mất kết nối.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không bảo mật: mã khóa và hàng đợi đi qua mạng dạng chữ thường. Chỉ tắt khi mạng LAN chỉ có máy của điểm.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Các máy đang dùng địa chỉ https:// sẽ mất kết nối: sửa thành http:// trên từng máy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✓ Đã ghép nối máy này với hub: máy giữ mã khóa riêng, không giữ mã khóa của điểm.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không ghép nối được: {exc}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhập địa chỉ của hub, hoặc chọn &quot;{value}&quot; nếu điểm không có hub.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Địa chỉ hub có dạng https://192.168.1.10:8090 (hoặc http://… khi hub không bật bảo mật).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhập mã khóa của điểm (ít nhất {MIN_OFFICE_KEY} ký tự)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>: bấm Tạo mã ngẫu nhiên.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, như trên máy hub.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã khóa của điểm dễ đoán quá (cần ít nhất 8 ký tự khác nhau): bấm Tạo mã ngẫu nhiên.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã khóa không đúng: nhập mã hiện trên máy hub.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chọn chứng chỉ của hub (hub.crt)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chứng chỉ (*.crt *.pem *.cer);;Mọi tệp (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa nhập địa chỉ hub: máy làm việc một mình.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang kiểm tra kết nối tới hub…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không kiểm tra được kết nối.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>
✓ Đã ghép nối máy này với hub (máy giữ mã khóa riêng).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IntakeForm</name>
    <message>
        <source>Quét thẻ căn cước hoặc nhập họ tên</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>12 chữ số</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ngày/tháng/năm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số điện thoại liên hệ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>không bắt buộc</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bỏ trống nếu chính là người nộp</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1. Người nộp hồ sơ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Họ và tên</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số định danh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ngày sinh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giới tính</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Địa chỉ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Điện thoại</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Email</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chủ hồ sơ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>2. Thủ tục hành chính</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhận đủ tất cả (Ctrl+D)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>thôn, tổ dân phố</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ghi chú thêm (không bắt buộc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>3. Giấy tờ nhận và hẹn trả</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phí, lệ phí:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giấy tờ đã nhận (↑↓ di chuyển, Space đánh dấu)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số bộ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Địa bàn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ghi chú</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lưu hồ sơ (F5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In phiếu (F6)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In giấy A4 (F7)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hồ sơ mới (F2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lưu (F5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A4 (F7)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mới (F2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hẹn trả kết quả: chọn thủ tục để tính ngày hẹn.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hẹn trả kết quả: không tính được ngày hẹn.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hẹn trả kết quả: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhận sau %1 hoặc vào ngày nghỉ: tính là nhận ngày %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa chọn thủ tục</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+F để tìm thủ tục theo mã hoặc tên.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cần nhập họ tên người nộp hồ sơ (hoặc quét thẻ căn cước).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số định danh không hợp lệ (12 chữ số; CMND cũ 9 chữ số).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ngày sinh không hợp lệ: nhập dạng ngày/tháng/năm, ví dụ 23/05/2002.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số điện thoại không hợp lệ (8 đến 12 chữ số).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Địa chỉ email không hợp lệ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cần chọn thủ tục hành chính (Ctrl+F để tìm).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa đánh dấu giấy tờ nào đã nhận (Space để đánh dấu).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã lưu hồ sơ %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LogbookView</name>
    <message>
        <source>Xem sổ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hôm nay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Từ ngày</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>đến ngày</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Excel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mở tệp vừa xuất</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ngày kết thúc đứng trước ngày bắt đầu.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang tải sổ…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 hồ sơ, từ %2 đến %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang xuất tệp…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã xuất: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LogsTab</name>
    <message>
        <source>Làm mới</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{LOG_TAIL_LINES} dòng cuối của {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa đọc được nhật ký: {exc}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LookupPage</name>
    <message>
        <source>Không tìm thấy phản ánh có mã {code}. Vui lòng kiểm tra lại mã trên phiếu hoặc hỏi cán bộ tại quầy.</source>
        <translation>No petition with code {code}. Please check the code on your slip or ask at a counter.</translation>
    </message>
    <message>
        <source>Mã chưa đúng. Nhập mã tra cứu 6 ký tự in đậm trên giấy hẹn (ví dụ ACD 7KM), hoặc mã hồ sơ dưới mã vạch (có thể chỉ nhập phần cuối: 260115-0007).</source>
        <translation>That code is not right. Type the 6-character look-up code printed in bold on your receipt (for example ACD 7KM), or the dossier code under the barcode (the end is enough: 260115-0007).</translation>
    </message>
    <message>
        <source>Đây là mã căn cước, vui lòng quét mã trên giấy hẹn</source>
        <translation>This is an ID card code. Please scan the code on your receipt</translation>
    </message>
    <message>
        <source>Không đọc được mã vừa quét. Vui lòng quét lại mã vạch trên giấy hẹn trả kết quả.</source>
        <translation>The code you scanned could not be read. Please scan the barcode on your receipt again.</translation>
    </message>
    <message>
        <source>Mã vừa quét không phải mã hồ sơ. Vui lòng quét mã vạch trên giấy hẹn trả kết quả.</source>
        <translation>The code you scanned is not a dossier code. Please scan the barcode on your receipt.</translation>
    </message>
    <message>
        <source>Đang tra cứu…</source>
        <translation>Looking up…</translation>
    </message>
    <message>
        <source>Không tìm thấy hồ sơ có mã {code}. Vui lòng kiểm tra lại mã trên giấy hẹn hoặc hỏi cán bộ tại quầy.</source>
        <translation>No dossier with the code {code}. Please check the code on your receipt or ask the staff at the counter.</translation>
    </message>
    <message>
        <source>Đưa mã vạch trên giấy hẹn vào máy quét</source>
        <translation>Hold the barcode on your receipt to the scanner</translation>
    </message>
    <message>
        <source>Tra cứu hồ sơ</source>
        <translation>Check a dossier</translation>
    </message>
    <message>
        <source>Quay lại</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>hoặc nhập mã tra cứu 6 ký tự in đậm trên giấy hẹn bằng bàn phím dưới đây</source>
        <translation>or type the 6-character look-up code printed in bold on your receipt on the keyboard below</translation>
    </message>
    <message>
        <source>Ví dụ: ACD 7KM</source>
        <translation>For example: ACD 7KM</translation>
    </message>
    <message>
        <source>Tra cứu</source>
        <translation>Look up</translation>
    </message>
    <message>
        <source>Tra cứu hồ sơ khác</source>
        <translation>Check another dossier</translation>
    </message>
    <message>
        <source>Xong</source>
        <translation>Done</translation>
    </message>
</context>
<context>
    <name>OfficePage</name>
    <message>
        <source>ví dụ 000.00.01.H26</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã đơn vị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ví dụ Điểm phục vụ hành chính công phường Ba Đình</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tên điểm phục vụ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhập mã đơn vị.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhập tên điểm phục vụ.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OfficeWindow</name>
    <message>
        <source>Quyết định 766/QĐ-TTg, nhóm: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cộng</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thống kê hoạt động — </source>
        <extracomment>The calendar the results count working days by (holidays, Tết, overrides). Work on the lane&apos;s database before the first figures (the demo&apos;s seeding).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số phiếu đã cấp</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã phục vụ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thời gian chờ trung bình</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Người dân hài lòng</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trả hồ sơ đúng hạn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hạn trả hồ sơ</source>
        <extracomment>The results tabs&apos; pages, by grouping (select one with tabs.setCurrentWidget).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phản ánh, kiến nghị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chỉ số QĐ 766/QĐ-TTg — {progress}: giải quyết xong, đúng hạn, quá hạn, xin lỗi, từ chối, yêu cầu bổ sung, thời gian giải quyết (ngày làm việc). {satisfaction}: hài lòng với giải quyết TTHC, phản ánh kiến nghị xử lý đúng hạn.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phản ánh, kiến nghị: chưa có số liệu.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thống kê hoạt động</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Xuất Excel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Xuất CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Xuất báo cáo PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mở tệp vừa xuất</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Từ ngày</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>đến</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang tải số liệu…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang tải…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tải được số liệu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ngày bắt đầu sau ngày kết thúc: chọn lại khoảng thời gian.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang tính số liệu…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phản ánh, kiến nghị ({late} quá hạn)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>đọc được danh sách phản ánh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cập nhật lúc {now:%H:%M}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tính được số liệu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{days} ngày</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>trong ngày</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vắng mặt: {value} · chuyển: {value2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>90% chờ không quá {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>chưa có lượt gọi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{value} lượt đánh giá</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{value}/{value2} hồ sơ đã trả</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bảng tính Excel (*.xlsx)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tệp CSV (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tài liệu PDF (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lưu báo cáo thống kê</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang xuất báo cáo…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lập lúc {now:%H:%M} ngày {now:%d/%m/%Y}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã lưu {value}: {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>xuất được báo cáo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hạn trả hồ sơ: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tải được danh sách hạn trả</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang mở hồ sơ…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <source>Xóa</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>Xóa một ký tự</source>
        <translation>Delete one character</translation>
    </message>
    <message>
        <source>Xóa hết</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>Dấu cách</source>
        <translation>Space</translation>
    </message>
    <message>
        <source>Chữ hoa</source>
        <translation>Capital</translation>
    </message>
    <message>
        <source>Dấu %1</source>
        <translation>Tone mark %1</translation>
    </message>
    <message>
        <source>Telex
Bật</source>
        <translation>Telex
On</translation>
    </message>
    <message>
        <source>Telex
Tắt</source>
        <translation>Telex
Off</translation>
    </message>
</context>
<context>
    <name>OutOfServicePage</name>
    <message>
        <source>Tạm ngừng cấp số thứ tự.</source>
        <translation>Number issuing paused.</translation>
    </message>
    <message>
        <source>Máy in đang gặp sự cố, vui lòng liên hệ cán bộ tại quầy.</source>
        <translation>The ticket printer has a problem. Please ask the staff at the counter.</translation>
    </message>
    <message>
        <source>Máy sẽ tự hoạt động lại khi máy in sẵn sàng.</source>
        <translation>The kiosk starts again by itself when the printer is ready.</translation>
    </message>
    <message>
        <source>Vẫn có thể tra cứu hồ sơ và gửi phản ánh:</source>
        <translation>You can still check a dossier or send feedback:</translation>
    </message>
    <message>
        <source>Tra cứu hồ sơ</source>
        <translation>Check a dossier</translation>
    </message>
    <message>
        <source>Quét mã trên giấy hẹn tại đây</source>
        <translation>Scan the code on your receipt here</translation>
    </message>
    <message>
        <source>Phản ánh, kiến nghị</source>
        <translation>Feedback and proposals</translation>
    </message>
    <message>
        <source>Góp ý về thủ tục, phục vụ</source>
        <translation>About procedures and service</translation>
    </message>
</context>
<context>
    <name>PaperworkList</name>
    <message>
        <source>Phiếu đã lập, giao nhận</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giao hồ sơ…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ghi lần giao hồ sơ cho phòng, ban hoặc cơ quan khác (in trên phiếu Mẫu 05)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In lại phiếu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In lại phiếu đang chọn trên máy in nhiệt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF A4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tạo tệp PDF khổ A4 của phiếu đang chọn và mở ra để in trên máy in văn phòng</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phiếu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thời gian</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cán bộ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nội dung</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa lập phiếu nào, chưa giao hồ sơ lần nào.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mẫu %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giao nhận</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PetitionCard</name>
    <message>
        <source>Mã phản ánh: {code}</source>
        <translation>Petition code: {code}</translation>
    </message>
    <message>
        <source>Đã có trả lời</source>
        <translation>Answered</translation>
    </message>
    <message>
        <source>Đang xử lý, đã quá hạn trả lời</source>
        <translation>Being handled, past the answer deadline</translation>
    </message>
    <message>
        <source>Đang xem xét, xử lý</source>
        <translation>Being considered</translation>
    </message>
    <message>
        <source>Ngày tiếp nhận</source>
        <translation>Received on</translation>
    </message>
    <message>
        <source>Hạn trả lời</source>
        <translation>Answer due by</translation>
    </message>
    <message>
        <source>Ngày trả lời</source>
        <translation>Answered on</translation>
    </message>
</context>
<context>
    <name>PetitionCaseBox</name>
    <message>
        <source>Mã phản ánh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chủ đề</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiếp nhận</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hạn trả lời</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Người xử lý</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Liên hệ của công dân</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nội dung</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lịch sử</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>họ tên cán bộ xử lý</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giao xử lý</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nội dung trả lời công dân (công dân đọc tại ki-ốt bằng mã phản ánh)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lưu trả lời</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đóng phản ánh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giao cho</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trả lời</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đóng cửa sổ (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phản ánh, kiến nghị %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>trễ %1 ngày làm việc</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>không để lại số điện thoại</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(đã xóa theo thời hạn lưu trữ)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PetitionCases</name>
    <message>
        <source>mở được phản ánh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang lưu…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>giao được phản ánh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã giao cho %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lưu được trả lời</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã lưu trả lời: công dân xem được tại ki-ốt bằng mã %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>đóng được phản ánh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã đóng phản ánh.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PetitionPanel</name>
    <message>
        <source>Hiện cả phản ánh đã trả lời, đã đóng</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhấp đúp hoặc Enter để mở, giao xử lý, trả lời.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không có phản ánh, kiến nghị nào đang chờ trả lời.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{open} phản ánh, kiến nghị đang chờ trả lời, trong đó {late} đã quá hạn.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PetitionView</name>
    <message>
        <source>Tiếp nhận phản ánh, kiến nghị tại quầy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ghi lại phản ánh, kiến nghị công dân nêu tại quầy. Công dân nhận phiếu có mã để xem trả lời tại ki-ốt (mục Tra cứu) hoặc hỏi lại tại quầy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nội dung phản ánh, kiến nghị của công dân</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>không bắt buộc, để báo khi có trả lời</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chủ đề</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nội dung</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số điện thoại</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã phản ánh (đọc cho công dân):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lưu và in phiếu (Ctrl+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In lại phiếu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phản ánh mới (Ctrl+P)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tra cứu phản ánh theo mã</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ví dụ PA-260042</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tra cứu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiếp nhận</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hạn trả lời</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trả lời</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1/%2 ký tự</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hạn trả lời: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhập mã phản ánh ghi trên phiếu.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không tìm thấy phản ánh, kiến nghị với mã này.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — đã quá hạn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa có trả lời.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <source>Mã PIN quản trị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhập mã PIN quản trị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đặt mã PIN quản trị mới</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hủy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chỉ dành cho kỹ thuật viên và cán bộ quản lý.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Từ 6 đến 12 chữ số, không dùng dãy dễ đoán như 123456. Ghi nhớ mã này: không ai xem lại được mã đã đặt.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhập lại mã PIN vừa đặt để xác nhận.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhập sai quá nhiều lần. Thử lại sau {minutes} phút {seconds:02d} giây.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang kiểm tra mã PIN…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>kiểm tra được mã PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sai mã PIN. Còn {tries_left} lần thử trước khi bị khóa.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hai lần nhập không khớp. Nhập lại từ đầu.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang lưu mã PIN…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PinPad</name>
    <message>
        <source>Mã PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Xóa</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PinPage</name>
    <message>
        <source>Mã PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhập lại mã PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giữ mã PIN hiện tại</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhập mã PIN.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hai lần nhập mã PIN không khớp.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PrinterPage</name>
    <message>
        <source>Tìm lại</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ví dụ 192.168.1.50</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Địa chỉ IP máy in mạng</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>usb://…, serial://COM3?baudrate=9600, win32://TÊN …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Địa chỉ máy in (URI)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giấy 80 mm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giấy 58 mm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy in tìm thấy trên máy này</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hoặc máy in mạng: địa chỉ IP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hoặc địa chỉ khác</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang tìm máy in (USB, cổng COM, máy in của Windows)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không tìm thấy máy in USB hay cổng COM. Máy in mạng: nhập địa chỉ IP bên dưới (in trang tự kiểm tra bằng cách giữ nút FEED khi bật nguồn để xem IP).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sẽ dùng: {uri} (giấy {value} mm)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa chọn máy in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chọn một máy in, hoặc nhập địa chỉ IP / địa chỉ của máy in.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PrinterTestPanel</name>
    <message>
        <source>In thử</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kiểm tra trạng thái</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa chọn máy in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang in thử…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang hỏi máy in…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProcedurePicker</name>
    <message>
        <source>Gõ mã hoặc tên thủ tục, có dấu hay không dấu (Ctrl+F)</source>
        <extracomment>How many of the first rows number keys pick (1-9).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n thủ tục</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QueueWorker</name>
    <message>
        <source>Không thực hiện được thao tác gọi số (lỗi hệ thống).</source>
        <extracomment>What the service, waiting time and count keep beside the buttons (px) before they shorten. Actions that need the hub (disabled while it is lost); finish waits in the outbox instead.</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RatingChart</name>
    <message>
        <source>Đánh giá của người dân</source>
        <extracomment>The title with the share, long and short: the short one where the long would be cut (&quot;Đánh giá của người dân: 88,8% h…&quot; on a 1366x768 laptop at 125 %).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{base_title}: chưa có đánh giá</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa có đánh giá</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{base_title}: {value} hài lòng</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hài lòng: {value}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RatingView</name>
    <message>
        <source>Màn hình tự đóng sau {n} giây</source>
        <extracomment>Narrower than this, and portrait, the view is a compact panel (see _apply_scale): its scale follows its height (the height it needs at scale 1) down to COMPACT_SMALLEST.</extracomment>
        <translation>This screen closes in {n} seconds</translation>
    </message>
    <message>
        <source>Quầy số {n}</source>
        <translation>Counter {n}</translation>
    </message>
    <message>
        <source>Cán bộ: {name}</source>
        <translation>Officer: {name}</translation>
    </message>
    <message>
        <source>Số thứ tự {number}</source>
        <translation>Number {number}</translation>
    </message>
    <message>
        <source>Ông/bà có hài lòng với sự phục vụ?</source>
        <translation>Were you satisfied with the service?</translation>
    </message>
    <message>
        <source>Ông/bà chưa hài lòng về điều gì?</source>
        <translation>What were you not satisfied with?</translation>
    </message>
    <message>
        <source>Chọn một hoặc nhiều lý do, rồi bấm “Gửi đánh giá”.</source>
        <translation>Choose one or more reasons, then tap “Send rating”.</translation>
    </message>
    <message>
        <source>Quay lại</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Gửi đánh giá</source>
        <translation>Send rating</translation>
    </message>
    <message>
        <source>Cảm ơn ông/bà đã đánh giá!</source>
        <translation>Thank you for your rating!</translation>
    </message>
    <message>
        <source>Ý kiến của ông/bà giúp chúng tôi phục vụ tốt hơn.</source>
        <translation>Your opinion helps us serve you better.</translation>
    </message>
    <message>
        <source>Mời ông/bà đánh giá sau khi được phục vụ</source>
        <translation>Please rate our service after you have been served</translation>
    </message>
</context>
<context>
    <name>RatingWindow</name>
    <message>
        <source>Đánh giá mức độ hài lòng – Quầy số {n}</source>
        <translation>Satisfaction rating – Counter {n}</translation>
    </message>
    <message>
        <source>Quầy số {n}</source>
        <translation>Counter {n}</translation>
    </message>
    <message>
        <source>Sau khi được phục vụ, mời ông/bà đánh giá sự hài lòng tại đây.</source>
        <translation>After you have been served, please rate your satisfaction here.</translation>
    </message>
</context>
<context>
    <name>RecentRow</name>
    <message>
        <source>Quầy {counter}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReprintTab</name>
    <message>
        <source>Số</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dịch vụ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lấy lúc</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã hồ sơ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thủ tục</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhận lúc</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In lại số đã chọn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In lại biên nhận đã chọn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Làm mới</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số thứ tự gần đây</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Biên nhận hồ sơ gần đây</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>đã in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in lỗi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>đang in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chọn một số thứ tự trong bảng bên trái.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã in lại số {number}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không in được số {number}: {message_vi}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chọn một hồ sơ trong bảng bên phải.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã in lại biên nhận hồ sơ {value}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không in được: </source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ResultCard</name>
    <message>
        <source>Mã hồ sơ: {code}</source>
        <translation>Dossier code: {code}</translation>
    </message>
    <message>
        <source>Ngày hẹn trả kết quả</source>
        <translation>Result due on</translation>
    </message>
    <message>
        <source>Ngày nhận hồ sơ</source>
        <translation>Received on</translation>
    </message>
    <message>
        <source>Chủ hồ sơ</source>
        <translation>Dossier holder</translation>
    </message>
    <message>
        <source>Đã trả kết quả ngày</source>
        <translation>Result handed over on</translation>
    </message>
    <message>
        <source>Nơi trả kết quả</source>
        <translation>Collect the result at</translation>
    </message>
</context>
<context>
    <name>RolePage</name>
    <message>
        <source>Màn hình cảm ứng cho công dân lấy số, có máy in phiếu.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy của cán bộ: gọi số, tiếp nhận hồ sơ, máy quét và máy in biên nhận.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Màn hình TV hiển thị số đang gọi và đọc loa.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy riêng (ví dụ ở phòng làm việc) giữ hàng đợi chung của cả điểm. Máy lấy số cũng làm hub được: chọn ở bước Hub.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số quầy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã máy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã máy (ghi vào mọi bản ghi của máy)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chọn vai trò của máy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhập mã máy (ví dụ kiosk-1).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ScanTestPanel</name>
    <message>
        <source>Quét thử qua cổng COM (20 giây)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy quét kiểu bàn phím: chạm vào đây rồi quét</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa chọn cổng của máy quét. Máy quét kiểu bàn phím thì quét vào ô bên cạnh.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang chờ trên {value}… Hãy quét mã QR trên thẻ căn cước hoặc mã vạch trên biên nhận.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa mở được cổng của máy quét (chưa cắm, sai cổng, hoặc chương trình khác đang dùng). Vẫn đang thử lại…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã mở cổng {device}. Hãy quét một mã ngay bây giờ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không nhận được mã nào trong 20 giây. Kiểm tra cổng, chế độ USB-CDC của máy quét, rồi thử lại.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ScannerPage</name>
    <message>
        <source>Tìm lại</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ví dụ COM3 hoặc /dev/ttyACM0</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cổng máy quét</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>để trống nếu không có; 0 = camera đầu tiên</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cổng tìm thấy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hoặc nhập cổng</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Camera đọc mã (nếu có)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không dùng cổng COM (máy quét kiểu bàn phím, hoặc không có)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cổng nối tiếp</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> – có thể là máy quét</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SelfService</name>
    <message>
        <source>Hệ thống đang bận, vui lòng thử lại sau ít phút hoặc hỏi cán bộ tại quầy.</source>
        <translation>The system is busy. Please try again in a few minutes or ask the staff at the counter.</translation>
    </message>
</context>
<context>
    <name>ServiceButton</name>
    <message>
        <source>Đang chờ: {n}</source>
        <translation>Waiting: {n}</translation>
    </message>
    <message>
        <source>Mở lúc {when}</source>
        <translation>Opens {when}</translation>
    </message>
    <message>
        <source>Ngoài giờ tiếp nhận</source>
        <translation>Closed now</translation>
    </message>
</context>
<context>
    <name>ServingTile</name>
    <message>
        <source>QUẦY</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Số {number}, quầy {counter}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <source>Cài đặt máy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cài đặt máy – Điểm phục vụ hành chính công</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thoát</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bàn phím</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quay lại</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiếp tục</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy đang dò địa chỉ mạng của mình để ghi vào chứng chỉ. Vui lòng bấm Tiếp tục lại sau giây lát.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không chép được chứng chỉ của hub {ca_file} vào thư mục dữ liệu ({exc}). Cách sửa: chép lại tệp hub.crt rồi chọn lại ở bước Hub.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bước {value} / {value2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lưu cấu hình</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không lưu được cấu hình: {exc}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thoát cài đặt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thoát khỏi cài đặt? Những gì đã nhập sẽ không được lưu.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thoát, không lưu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SlipPanel</name>
    <message>
        <source>Mẫu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hẹn mới</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lập và in phiếu (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hủy (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <source>Ưu tiên: {who}. Mời chọn dịch vụ.</source>
        <translation>Priority: {who}. Please choose a service.</translation>
    </message>
    <message>
        <source>Mời chọn dịch vụ</source>
        <translation>Please choose a service</translation>
    </message>
    <message>
        <source>Ưu tiên: chạm vào đối tượng, rồi chọn dịch vụ</source>
        <translation>Priority: tap who you are, then the service</translation>
    </message>
    <message>
        <source>Bỏ ưu tiên</source>
        <translation>Cancel priority</translation>
    </message>
    <message>
        <source>Tra cứu hồ sơ</source>
        <translation>Check a dossier</translation>
    </message>
    <message>
        <source>Quét giấy hẹn ngay tại máy này</source>
        <translation>Scan your receipt right here</translation>
    </message>
    <message>
        <source>Phản ánh, kiến nghị</source>
        <translation>Feedback and proposals</translation>
    </message>
    <message>
        <source>Góp ý về thủ tục, phục vụ</source>
        <translation>About procedures and service</translation>
    </message>
</context>
<context>
    <name>StatusLine</name>
    <message>
        <source>Máy in: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy quét COM: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quét bàn phím: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang nghe</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tắt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Camera: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mất kết nối máy chủ — làm việc trên máy này, %1 thay đổi chờ gửi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>; dùng số dự phòng, còn %1 số</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>; còn %1 số hồ sơ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sổ hồ sơ: đang gửi %1 thay đổi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sổ hồ sơ: đã đồng bộ</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SummaryPage</name>
    <message>
        <source>Chép hub.crt ra USB…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa lưu được: {exc}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tệp cấu hình hiện có sẽ được ghi đè (các khóa khác giữ nguyên).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>không có</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>đã nhập (ẩn)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, quầy số {counter_number}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, làm hub của điểm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đơn vị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vai trò</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã máy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>máy này, cổng {hub_port}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>không (máy làm việc một mình)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã khóa của điểm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>đã ghép nối với hub (máy giữ mã khóa riêng)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{printer_uri} (giấy {printer_width} mm)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy quét</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>kiểu bàn phím / không có</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy chủ thành phố</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>chưa có (tắt đồng bộ)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã của máy (token)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã PIN quản trị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>đã đặt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>chưa đặt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bảo mật kết nối</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>không (HTTP)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (tạo khi lưu)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>có (HTTPS)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Địa chỉ cho các máy khác</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> hoặc </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chép sang mọi máy khác</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{where}; không chép {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chứng chỉ của hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>của hệ thống (không chọn tệp)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{ca_file}, chép vào {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chọn ổ USB hoặc thư mục để chép hub.crt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không chép được ({exc}): chọn thư mục khác.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã chép vào {target}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cấu hình chưa hợp lệ: quay lại sửa.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncIndicator</name>
    <message>
        <source>Chi tiết kỹ thuật: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <source>{done:,} / {backlog:,} bản ghi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chờ gửi: {pending}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Để riêng (bị từ chối): {set_aside}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gửi thành công lần cuối: {last_success_at:%H:%M %d/%m/%Y}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lỗi gần nhất: {last_error}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncTab</name>
    <message>
        <source>Mã bản ghi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loại</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tạo lúc</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bị từ chối lúc</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lý do</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Làm mới</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gửi lại mục đã chọn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gửi lại tất cả</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gửi ngay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bản ghi thành phố từ chối (giữ lại, không tự gửi lại)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>chưa có</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy chủ thành phố: {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>chưa cấu hình (tắt đồng bộ)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chờ gửi: {pending}    Bị từ chối: {set_aside}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gửi thành công lần cuối: {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lỗi gần nhất lúc {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chi tiết kỹ thuật: {technical}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mất kết nối từ: {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chọn bản ghi trong bảng trước.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã đưa {count} bản ghi vào hàng chờ gửi lại.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>đưa được bản ghi vào hàng chờ gửi lại</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TicketScreen</name>
    <message>
        <source>Không cấp được số thứ tự. Vui lòng thử lại hoặc liên hệ cán bộ tại quầy.</source>
        <translation>Could not issue a number. Please try again or ask the staff at the counter.</translation>
    </message>
    <message>
        <source>{name}: không tiếp nhận tại máy này.</source>
        <translation>{name}: not available at this kiosk.</translation>
    </message>
    <message>
        <source>Thứ Hai</source>
        <translation>Mon</translation>
    </message>
    <message>
        <source>Thứ Ba</source>
        <translation>Tue</translation>
    </message>
    <message>
        <source>Thứ Tư</source>
        <translation>Wed</translation>
    </message>
    <message>
        <source>Thứ Năm</source>
        <translation>Thu</translation>
    </message>
    <message>
        <source>Thứ Sáu</source>
        <translation>Fri</translation>
    </message>
    <message>
        <source>Thứ Bảy</source>
        <translation>Sat</translation>
    </message>
    <message>
        <source>Chủ Nhật</source>
        <translation>Sun</translation>
    </message>
    <message>
        <source>{name}: ngoài giờ tiếp nhận. Mời quay lại lúc {when}.</source>
        <translation>{name}: closed now. Opens at {when}.</translation>
    </message>
</context>
<context>
    <name>WaitingChart</name>
    <message>
        <source>Thời gian chờ theo dịch vụ (phút)</source>
        <extracomment>A service&apos;s name on the axis by its code: the catalog&apos;s board_name_vi, the short name the waiting-room board shows (the tool tip and the tables carry the full one). One &quot;mean / p90&quot; text per service, beside its longer bar: two labels per service (one per bar) ran into each other where the bars are thin (1366x768, a month).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label}
Trung bình: {value}
90% chờ không quá {value2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{base_title}: chưa có lượt gọi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trung bình</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>90% chờ không quá</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WaitingChip</name>
    <message>
        <source>{name}: {n} người chờ</source>
        <extracomment>The dash held to the word before it: a line never starts with &quot;–&quot;.</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>1. Đơn vị: mã và tên điểm phục vụ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>2. Vai trò của máy: máy lấy số, quầy, màn hình hiển thị hay hub.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>3. Kết nối hub của điểm (nếu có), mã khóa của điểm, bảo mật kết nối (HTTPS).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>4. Máy in và máy quét: chọn thiết bị tìm thấy, in thử, quét thử.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>5. Máy chủ thành phố: địa chỉ và mã của máy, kiểm tra kết nối.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>6. Mã PIN quản trị: để mở màn hình quản trị về sau.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mọi lựa chọn đều sửa được sau này trong màn hình quản trị (chạm 5 lần vào góc trên bên trái màn hình lấy số, rồi nhập mã PIN).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cấu hình sẽ được ghi vào: {config_file}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WizardPage</name>
    <message>
        <source>Cài đặt máy lần đầu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bắt đầu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trình hướng dẫn giúp cài đặt máy trong vài phút. Có thể dùng màn hình cảm ứng hoặc bàn phím (Enter để tiếp tục, Tab để chuyển ô).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đơn vị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã đơn vị in trên phiếu và dùng trong mã hồ sơ; tên hiện trên màn hình và phiếu.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vai trò của máy này</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vai trò</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chọn việc máy này làm trong điểm phục vụ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kết nối trong điểm phục vụ (hub)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Khi điểm có nhiều máy, một máy làm hub giữ hàng đợi chung; các máy khác kết nối tới hub bằng địa chỉ và mã khóa của điểm. Một máy làm việc một mình thì để trống.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cả điểm có một hub giữ hàng đợi chung; các máy khác kết nối tới hub bằng địa chỉ và mã khóa của điểm. Chọn việc của máy lấy số này:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chọn máy in tìm thấy, hoặc nhập địa chỉ IP của máy in mạng, rồi bấm In thử. Chữ tiếng Việt có dấu phải in rõ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy quét</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy quét mã QR thẻ căn cước nên ở chế độ USB-CDC (cổng COM ảo): chỉ khi đó chữ tiếng Việt có dấu đọc đúng. Chọn cổng rồi bấm Quét thử và quét một mã.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy chủ thành phố</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thành phố</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hồ sơ và số thứ tự được gửi về máy chủ của thành phố. Nhập địa chỉ và mã của máy do thành phố cấp, rồi bấm Kiểm tra kết nối. Để trống nếu chưa có: máy vẫn làm việc và gửi sau.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã PIN quản trị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã PIN mở màn hình quản trị (in lại, kiểm tra thiết bị, cấu hình, thoát ra màn hình nền). Từ 6 đến 12 chữ số; nhập hai lần. Không ai xem lại được mã đã đặt.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kiểm tra lại và lưu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lưu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Xem lại các lựa chọn. Bấm Lưu cấu hình để ghi tệp; sửa được sau trong màn hình quản trị.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>_ChartView</name>
    <message>
        <source>{base_title}: đang tải…</source>
        <extracomment>A service&apos;s name on the waiting chart&apos;s axis: before any comma or bracket, up to this many characters (the longest catalog name, &quot;Lao động – Thương binh và Xã hội&quot;, fits whole).</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>_DigitKeys</name>
    <message>
        <source>Xóa</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ô tiếp</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>_SecretField</name>
    <message>
        <source>Hiện</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ẩn</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>admin_view</name>
    <message>
        <source>Không mở được cơ sở dữ liệu: {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa có mã PIN quản trị: đặt mã PIN mới</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>box</name>
    <message>
        <source>Phiếu chưa lưu</source>
        <extracomment>Fields a CCCD scan fills: form attribute -&gt; parser field.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter hoặc Esc: giữ lại phiếu để tiếp tục nhập và lưu (F5). Tab rồi Enter: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Giữ lại phiếu</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>calling</name>
    <message>
        <source>chờ dưới 1 phút</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>đã chờ {minutes} phút</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>đã chờ {value} giờ {value2:02d} phút</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>device_panels</name>
    <message>
        <source>In thử không được: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in thử được</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dossier_view</name>
    <message>
        <source>Trả kết quả đúng hạn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trả kết quả quá hạn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Xử lý xong đúng hạn, chờ trả kết quả</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Xử lý xong quá hạn {late} ngày làm việc, chờ trả kết quả</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hồ sơ đã kết thúc</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tạm dừng tính thời hạn, chờ bổ sung giấy tờ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã hẹn lại, còn {left} ngày làm việc</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đến hạn trả hôm nay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Còn {left} ngày làm việc đến hạn trả</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quá hạn {value} ngày làm việc</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>hubtls</name>
    <message>
        <source>Thư mục {folder} có {name} nhưng thiếu {other}. Cách sửa: chép lại đủ cả hai tệp vào thư mục đó, hoặc xóa {name} để máy tạo cặp mới (rồi chép hub.crt mới sang mọi máy khác).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tệp {value} không phải chứng chỉ dùng được ({exc}). Cách sửa: xóa {name} và {name2} để máy tạo cặp mới (rồi chép hub.crt mới sang mọi máy khác).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chứng chỉ có sẵn không ghi địa chỉ {value} của máy này: máy nào dùng địa chỉ đó sẽ bị từ chối. Dùng một địa chỉ ở trên; nếu máy đã đổi IP, tạo chứng chỉ mới (kiosk hub make-cert --force --out {parent}) rồi chép hub.crt mới sang mọi máy khác.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không tạo được chứng chỉ: thiếu thư viện cryptography. Cách sửa: cài lại chương trình, hoặc bỏ chọn Bảo mật kết nối.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không tạo được chứng chỉ trong {parent} ({exc}). Cách sửa: kiểm tra ổ đĩa còn chỗ và tài khoản chạy chương trình ghi được thư mục đó.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chứng chỉ {cert} không đi cùng khóa {key} ({exc}). Cách sửa: chép lại đúng cặp tệp, hoặc xóa cả hai để máy tạo cặp mới (rồi chép hub.crt mới sang mọi máy khác).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Địa chỉ https:// cần chứng chỉ của hub: chép tệp hub.crt từ máy hub sang máy này (ví dụ bằng USB) rồi bấm Chọn tệp…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không thấy tệp {ca_file}. Cách sửa: chép hub.crt từ máy hub sang máy này rồi chọn lại. ({missing})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không đọc được tệp {ca_file} ({exc}). Cách sửa: chép lại tệp rồi chọn lại.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} là khóa riêng của hub, không phải chứng chỉ. Cách sửa: chọn hub.crt; tệp hub.key chỉ để trên máy hub, xóa bản đã chép ra.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tệp {name} không phải chứng chỉ. Cách sửa: chọn tệp hub.crt chép từ máy hub.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chứng chỉ đã chọn không ghi địa chỉ {hostname}: hub sẽ bị từ chối. Cách sửa: dùng địa chỉ hub ghi trong chứng chỉ ({value}), như bước Hub trên máy hub hiện.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✓ Kết nối được hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> qua HTTPS, chứng chỉ hợp lệ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chi tiết: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✓ Hub nhận mã khóa của điểm.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>! Hub trả lời lạ khi kiểm tra mã khóa. → Bấm Kiểm tra kết nối lần nữa.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✗ Hub từ chối mã khóa của điểm. → Nhập mã khóa giống hệt trên máy hub.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✗ Không thấy tệp chứng chỉ đã chọn. → Chép hub.crt từ máy hub sang máy này rồi bấm Chọn tệp…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✗ Chứng chỉ của hub đã hết hạn, hoặc ngày giờ của máy sai. → Sửa ngày giờ của máy này và máy hub; nếu chứng chỉ đã hết hạn, tạo chứng chỉ mới trên máy hub rồi chép hub.crt mới sang mọi máy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✗ Chứng chỉ của hub không ghi địa chỉ {host}. → Nhập đúng địa chỉ https:// mà bước Hub trên máy hub hiện.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✗ Máy này chưa tin chứng chỉ của hub. → Chép hub.crt từ máy hub sang máy này rồi bấm Chọn tệp…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✗ Máy này không tin chứng chỉ của hub: tệp đã chọn không phải chứng chỉ của hub này (hub đã tạo chứng chỉ mới, hoặc tệp của điểm khác). → Chép lại hub.crt từ chính máy hub (thư mục dữ liệu, tls/hub.crt) rồi chọn lại.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✗ Hub không dùng HTTPS. → Trên máy hub chưa bật Bảo mật kết nối: dùng địa chỉ http://, hoặc bật bảo mật trên máy hub rồi chép hub.crt sang máy này.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✗ Địa chỉ này không phải hub của điểm. → Kiểm tra địa chỉ và cổng (bước Hub trên máy hub hiện chúng).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✗ Không kết nối được hub. → Kiểm tra máy hub đã bật và đang chạy chương trình, hai máy cùng mạng, tường lửa của máy hub cho cổng {value} đi qua.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>của hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> Nếu hub đã bật bảo mật, địa chỉ phải bắt đầu bằng https://.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>lanes</name>
    <message>
        <source>in được phiếu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Không in được phiếu (lỗi hệ thống). Hồ sơ vẫn đã được lưu; hãy in lại hoặc in giấy A4.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>notice</name>
    <message>
        <source>Đóng</source>
        <extracomment>Wide enough for a technician&apos;s line (a path, the fix) to wrap in a few lines, not a column. The box closes by itself after this long: a refused start that nobody watches (two auto-starts at log-on) must not stay over the running kiosk all day.</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>paperwork</name>
    <message>
        <source>Hẹn mới %1: %2</source>
        <extracomment>How much of a reason the list shows (the whole text is the row&apos;s tool tip).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 lần giao nhận</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>→ %1, người nhận %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hạn %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>đọc được các phiếu của hồ sơ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nhập họ tên cán bộ (ô Cán bộ ở góc trên) trước khi giao hồ sơ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ghi được giao nhận</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang in lại phiếu Mẫu %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã in lại phiếu Mẫu %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chưa in lại được phiếu Mẫu %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang tạo PDF A4…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tạo được tệp PDF của phiếu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã tạo PDF A4 phiếu Mẫu %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parent</name>
    <message>
        <source>Phiếu đang nhập chưa được lưu. Bỏ phiếu này để tiếp nhận hồ sơ mới?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bỏ phiếu, tạo hồ sơ mới</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phiếu đang nhập chưa được lưu. Gọi số tiếp sẽ xoá phiếu này khỏi màn hình.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bỏ phiếu, gọi số tiếp</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>printers_vi</name>
    <message>
        <source> – cổng nối tiếp; đặt tốc độ baud như trang tự kiểm tra của máy in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (hãng máy in hóa đơn, nhưng thiết bị không khai báo là máy in USB)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Máy in USB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thiết bị \1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>self.view</name>
    <message>
        <source>lưu được phản ánh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đã in phiếu tiếp nhận phản ánh %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in được phiếu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 Phản ánh vẫn đã được lưu với mã %2: đọc mã cho công dân ghi lại, hoặc nhấn In lại phiếu.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tra cứu được phản ánh</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>view</name>
    <message>
        <source>Nội dung quá dài: tối đa %1 ký tự.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang in phiếu %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mã phản ánh gồm chữ P, số quầy hoặc chữ A, gạch ngang và 6 chữ số (ví dụ PA-260042).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Đang tra cứu…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <source>Phản ánh (%1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
